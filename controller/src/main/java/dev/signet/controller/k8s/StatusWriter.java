package dev.signet.controller.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a custom resource's {@code status} subresource when, and only when, it differs from what the resource
 * carries (an unchanged status is not rewritten, so a status write does not set off an endless reconcile loop).
 * A refused write (a conflict with a newer version, say) is logged; the next pass writes it again.
 */
public final class StatusWriter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
  private final KubernetesClient client;

  public StatusWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Sets {@code status} on {@code resource} unless it already has it. */
  public void write(ResourceDefinitionContext kind, GenericKubernetesResource resource, Map<String, Object> status) {
    Object current = resource.getAdditionalProperties().get("status");
    var mapper = Serialization.jsonMapper();
    if (current != null && Objects.equals(mapper.valueToTree(current), mapper.valueToTree(status))) {
      return;
    }
    GenericKubernetesResource copy = Serialization.clone(resource);
    copy.setAdditionalProperty("status", status);
    try {
      client.genericKubernetesResources(kind).resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      LOG.warn("cannot update the status of {} \"{}\": {}", kind.getKind(), resource.getMetadata().getName(),
          e.getMessage());
    }
  }
}
