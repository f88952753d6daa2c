package dev.signet.controller;

import dev.signet.common.spiffe.TrustDomain;
import dev.signet.controller.config.ControllerConfig;
import dev.signet.controller.config.ControllerConfigLoader;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Cluster objects and a configuration for the controller's tests. */
public final class Fixtures {
  public static final String PREFIX = "demo.";

  private Fixtures() {}

  public static ControllerConfig config() {
    return new ControllerConfig(TrustDomain.parse("example.org"), "demo", "cluster.local",
        List.of(Pattern.compile("kube-system"), Pattern.compile("spire-.*")), Duration.ofSeconds(10),
        Path.of(ControllerConfigLoader.DEFAULT_SOCKET), "", false, PREFIX, true, true, true, "info");
  }

  public static Namespace namespace(String name, Map<String, String> labels) {
    return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
  }

  public static Node node(String name, String uid) {
    return new NodeBuilder().withNewMetadata().withName(name).withUid(uid).withLabels(Map.of("zone", "z1"))
        .endMetadata().withNewSpec().withProviderID("aws:///eu-west-1a/i-0123").endSpec().build();
  }

  public static Pod pod(String namespace, String name, String uid, String node, Map<String, String> labels) {
    return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withUid(uid)
        .withLabels(labels).endMetadata()
        .withNewSpec().withNodeName(node).withServiceAccountName(name + "-sa").endSpec().build();
  }
}
