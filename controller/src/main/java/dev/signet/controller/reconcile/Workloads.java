package dev.signet.controller.reconcile;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** One consistent-enough view of the cluster objects entries are rendered from (the informers' caches). */
public record Workloads(List<Namespace> namespaces, List<Pod> pods, Map<String, Node> nodesByName,
    List<Endpoints> endpoints) {
  public Workloads {
    namespaces = List.copyOf(namespaces);
    pods = List.copyOf(pods);
    nodesByName = Map.copyOf(nodesByName);
    endpoints = List.copyOf(endpoints);
  }

  /** A view from plain lists. */
  public static Workloads of(List<Namespace> namespaces, List<Pod> pods, List<Node> nodes, List<Endpoints> endpoints) {
    return new Workloads(namespaces, pods,
        nodes.stream().collect(Collectors.toMap(n -> n.getMetadata().getName(), Function.identity(), (a, b) -> a)),
        endpoints);
  }
}
