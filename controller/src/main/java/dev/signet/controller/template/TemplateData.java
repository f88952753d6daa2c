package dev.signet.controller.template;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The data spire-controller-manager's templates see: {@code .TrustDomain}, {@code .ClusterName},
 * {@code .ClusterDomain}, {@code .PodMeta}, {@code .PodSpec}, {@code .NodeMeta} and {@code .NodeSpec}, built from the
 * pod and the node it is scheduled on as Kubernetes serializes them.
 */
public final class TemplateData {
  private TemplateData() {}

  /** The template data of {@code pod} on {@code node}. */
  public static JsonNode of(String trustDomain, String clusterName, String clusterDomain, Pod pod, Node node) {
    ObjectNode data = JsonNodeFactory.instance.objectNode();
    data.put("TrustDomain", trustDomain);
    data.put("ClusterName", clusterName);
    data.put("ClusterDomain", clusterDomain);
    data.set("PodMeta", tree(pod.getMetadata()));
    data.set("PodSpec", tree(pod.getSpec()));
    data.set("NodeMeta", tree(node.getMetadata()));
    data.set("NodeSpec", tree(node.getSpec()));
    return data;
  }

  private static JsonNode tree(Object value) {
    return value == null ? JsonNodeFactory.instance.objectNode() : Serialization.jsonMapper().valueToTree(value);
  }
}
