package dev.signet.attestors.workload.k8s;

import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.attestors.workload.CgroupEntry;
import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.container.ContainerLocator;
import dev.signet.common.spiffe.Selector;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * {@code WorkloadAttestor "k8s"}: the pod (UID) and container (ID) of the calling process from its cgroups,
 * looked up in the kubelet's pod list. Selectors as SPIRE's: {@code k8s:ns}, {@code sa}, {@code pod-name},
 * {@code pod-uid}, {@code node-name}, {@code pod-label:<k>:<v>}, {@code pod-owner:<Kind>:<name>},
 * {@code pod-owner-uid:<Kind>:<uid>}, {@code pod-image}, {@code pod-image-count}, {@code pod-init-image},
 * {@code pod-init-image-count}, and for the container {@code container-name} and {@code container-image}
 * (image and image ID). The pod list is cached for {@code pod_list_cache_ttl}; a container not listed
 * yet (just started) is looked for again, afresh, up to {@code max_poll_attempts} times.
 */
public final class K8sWorkloadAttestor implements WorkloadAttestor {
  /** SPIRE's plugin name. */
  public static final String NAME = "k8s";
  /** The built-in as its catalog knows it; see {@link K8sAttestorConfig}. The kubelet client is made by create. */
  public static final PluginDescriptor<?, WorkloadAttestorDependencies, WorkloadAttestor> DESCRIPTOR =
      new BuiltIn<K8sAttestorConfig, WorkloadAttestorDependencies, WorkloadAttestor>(NAME,
          (data, core) -> K8sAttestorConfig.from(data),
          (config, deps) -> new K8sWorkloadAttestor(config, deps.proc()));

  private record PodList(JsonNode items, long fetchedAt) {}

  private final K8sAttestorConfig config;
  private final ProcFs proc;
  private final KubeletClient kubelet;
  private final ContainerLocator locator = new ContainerLocator();
  private final LongSupplier ticker;
  private volatile PodList cached;

  public K8sWorkloadAttestor(K8sAttestorConfig config, ProcFs proc) {
    this(config, proc, System::nanoTime);
  }

  K8sWorkloadAttestor(K8sAttestorConfig config, ProcFs proc, LongSupplier ticker) {
    this.config = config;
    this.proc = proc;
    this.kubelet = new KubeletClient(config);
    this.ticker = ticker;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** It calls the kubelet. */
  @Override
  public boolean mayBlock() {
    return true;
  }

  @Override
  public List<Selector> attest(int pid) throws WorkloadAttestationException {
    List<CgroupEntry> cgroups = proc.cgroups(pid);
    Optional<String> podUid = locator.podUid(pid, cgroups);
    if (podUid.isEmpty()) {
      return List.of();
    }
    Optional<String> containerId = locator.containerId(pid, cgroups);
    if (containerId.isEmpty() && !config.disableContainerSelectors()) {
      throw new WorkloadAttestationException(Kind.REFUSED, "process " + pid + " is in pod " + podUid.get()
          + " but its cgroups name no container id");
    }
    for (int attempt = 1; ; attempt++) {
      JsonNode pods = podList(attempt > 1);
      Optional<JsonNode> pod = find(pods, podUid.get());
      Optional<JsonNode> container = pod.flatMap(p -> containerId.flatMap(id -> containerStatus(p, id)));
      if (pod.isPresent() && (config.disableContainerSelectors() || container.isPresent())) {
        return selectors(pod.get(), config.disableContainerSelectors() ? Optional.empty() : container);
      }
      if (attempt >= config.maxPollAttempts()) {
        throw new WorkloadAttestationException(Kind.REFUSED, "process " + pid + ": pod " + podUid.get()
            + (containerId.map(id -> " container " + id).orElse(" (no container id in its cgroups)"))
            + " is not in the kubelet's pod list after " + attempt + " attempts");
      }
      try {
        Thread.sleep(config.pollRetryInterval());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WorkloadAttestationException(Kind.UNAVAILABLE, "interrupted while waiting for pod "
            + podUid.get() + " to be listed", e);
      }
    }
  }

  private JsonNode podList(boolean fresh) throws WorkloadAttestationException {
    PodList current = cached;
    long now = ticker.getAsLong();
    if (!fresh && current != null && now - current.fetchedAt() < config.podListTtl().toNanos()) {
      return current.items();
    }
    JsonNode items = kubelet.pods();
    cached = new PodList(items, now);
    return items;
  }

  private static Optional<JsonNode> find(JsonNode pods, String uid) {
    for (JsonNode pod : pods) {
      if (uid.equals(pod.path("metadata").path("uid").asText())) {
        return Optional.of(pod);
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> containerStatus(JsonNode pod, String containerId) {
    for (String field : List.of("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses")) {
      for (JsonNode status : pod.path("status").path(field)) {
        String id = status.path("containerID").asText("");
        int scheme = id.indexOf("://"); // "containerd://<id>", "docker://<id>", "cri-o://<id>"
        if ((scheme < 0 ? id : id.substring(scheme + 3)).equals(containerId)) {
          return Optional.of(status);
        }
      }
    }
    return Optional.empty();
  }

  private static List<Selector> selectors(JsonNode pod, Optional<JsonNode> container) {
    JsonNode metadata = pod.path("metadata");
    JsonNode spec = pod.path("spec");
    List<Selector> selectors = new ArrayList<>();
    add(selectors, "ns:" + metadata.path("namespace").asText());
    add(selectors, "sa:" + spec.path("serviceAccountName").asText());
    add(selectors, "pod-name:" + metadata.path("name").asText());
    add(selectors, "pod-uid:" + metadata.path("uid").asText());
    add(selectors, "node-name:" + spec.path("nodeName").asText());
    for (Map.Entry<String, JsonNode> label : metadata.path("labels").properties()) {
      add(selectors, "pod-label:" + label.getKey() + ":" + label.getValue().asText());
    }
    for (JsonNode owner : metadata.path("ownerReferences")) {
      add(selectors, "pod-owner:" + owner.path("kind").asText() + ":" + owner.path("name").asText());
      add(selectors, "pod-owner-uid:" + owner.path("kind").asText() + ":" + owner.path("uid").asText());
    }
    images(selectors, "pod-image", pod.path("status").path("containerStatuses"), spec.path("containers").size());
    images(selectors, "pod-init-image", pod.path("status").path("initContainerStatuses"),
        spec.path("initContainers").size());
    container.ifPresent(status -> {
      add(selectors, "container-name:" + status.path("name").asText());
      imageNames(status).forEach(image -> add(selectors, "container-image:" + image));
    });
    return List.copyOf(new LinkedHashSet<>(selectors));
  }

  private static void images(List<Selector> selectors, String kind, JsonNode statuses, int declared) {
    Set<String> images = new LinkedHashSet<>();
    for (JsonNode status : statuses) {
      images.addAll(imageNames(status));
    }
    images.forEach(image -> add(selectors, kind + ":" + image));
    add(selectors, kind + "-count:" + declared);
  }

  private static Set<String> imageNames(JsonNode status) {
    Set<String> names = new LinkedHashSet<>();
    for (String field : List.of("image", "imageID")) {
      String value = status.path(field).asText("");
      if (!value.isEmpty()) {
        names.add(value);
      }
    }
    return names;
  }

  private static void add(List<Selector> selectors, String value) {
    selectors.add(new Selector(NAME, value));
  }
}
