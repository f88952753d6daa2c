package dev.signet.controller.reconcile;

import dev.signet.controller.config.ControllerConfig;
import dev.signet.controller.crd.Owner;
import dev.signet.controller.crd.ParsedClusterSpiffeId;
import dev.signet.controller.entry.Entries;
import dev.signet.controller.entry.LabelSelectors;
import dev.signet.controller.entry.PodEntryRenderer;
import dev.signet.controller.entry.StaticEntryRenderer;
import dev.signet.proto.spire.api.types.Entry;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes an {@link EntryPlan} from the declared state (custom resources over the cluster's pods) and the server's
 * entries, with spire-controller-manager's semantics: entries are matched by key (SPIFFE ID, parent, selectors);
 * among resources declaring the same entry the oldest wins and the others count it masked; a matched owned entry
 * whose other fields differ is updated in place; owned entries nothing declares are deleted. Only entries whose id
 * starts with the configured {@code entryIDPrefix} are owned; the others are never touched.
 *
 * <p>A pure function of its inputs (no I/O), so the reconcile rules are unit-tested without a cluster or a server.
 */
public final class EntryPlanner {
  private static final Logger LOG = LoggerFactory.getLogger(EntryPlanner.class);
  private final ControllerConfig config;
  private final PodEntryRenderer renderer;

  public EntryPlanner(ControllerConfig config) {
    this.config = config;
    this.renderer = new PodEntryRenderer(config);
  }

  /** The plan bringing {@code current} in step with what the resources declare over {@code workloads}. */
  public EntryPlan plan(List<ClusterSpiffeIdResource> spiffeIds, List<StaticEntryResource> statics,
      Workloads workloads, List<Entry> current) {
    Map<String, List<Declared>> declared = new LinkedHashMap<>();
    Map<Owner, SpiffeIdStats> spiffeIdStats = new HashMap<>();
    Map<Owner, StaticEntryStatus> staticStatus = new HashMap<>();
    for (StaticEntryResource resource : statics) {
      StaticEntryStatus status = new StaticEntryStatus();
      staticStatus.put(resource.owner(), status);
      try {
        declare(declared, new Declared(StaticEntryRenderer.render(resource.spec()), resource.owner()));
        status.rendered = true;
      } catch (IllegalArgumentException e) {
        LOG.warn("{}: cannot render entry: {}", resource.owner(), e.getMessage());
      }
    }
    declarePodEntries(spiffeIds, workloads, declared, spiffeIdStats);

    Map<String, List<Entry>> owned = new LinkedHashMap<>();
    Map<String, Entry> foreign = new HashMap<>();
    for (Entry entry : current) {
      if (entry.getId().startsWith(config.entryIdPrefix())) {
        owned.computeIfAbsent(Entries.key(entry), k -> new ArrayList<>()).add(entry);
      } else {
        foreign.putIfAbsent(Entries.key(entry), entry);
      }
    }

    List<Declared> toCreate = new ArrayList<>();
    List<Declared> toUpdate = new ArrayList<>();
    List<Entry> toDelete = new ArrayList<>();
    List<Declared> conflicts = new ArrayList<>();
    for (Map.Entry<String, List<Declared>> item : declared.entrySet()) {
      List<Declared> candidates = new ArrayList<>(item.getValue());
      candidates.sort((a, b) -> Owner.PREFERENCE.compare(a.owner(), b.owner()));
      Declared preferred = candidates.getFirst();
      counted(preferred.owner(), spiffeIdStats, staticStatus, false);
      for (Declared other : candidates.subList(1, candidates.size())) {
        counted(other.owner(), spiffeIdStats, staticStatus, true);
      }
      List<Entry> existing = owned.remove(item.getKey());
      if (existing == null) {
        Entry holder = foreign.get(item.getKey());
        if (holder != null) {
          LOG.warn("{}: entry {} is held by entry \"{}\" which this controller does not own (its id lacks the prefix"
              + " \"{}\"); left alone", preferred.owner(), Entries.text(preferred.entry().getSpiffeId()), holder.getId(),
              config.entryIdPrefix());
          conflicts.add(preferred);
        } else {
          toCreate.add(preferred);
        }
        continue;
      }
      Entry keep = existing.getFirst();
      if (!Entries.outdatedFields(preferred.entry(), keep).isEmpty()) {
        toUpdate.add(new Declared(preferred.entry().toBuilder().setId(keep.getId()).build(), preferred.owner()));
      }
      toDelete.addAll(existing.subList(1, existing.size()));
    }
    owned.values().forEach(toDelete::addAll);
    EntryPlan plan = new EntryPlan(toCreate, toUpdate, toDelete, conflicts, spiffeIdStats, staticStatus);
    conflicts.forEach(c -> plan.failed(c.owner()));
    return plan;
  }

  private void declarePodEntries(List<ClusterSpiffeIdResource> resources, Workloads workloads,
      Map<String, List<Declared>> declared, Map<Owner, SpiffeIdStats> statsByOwner) {
    Map<Owner, ParsedClusterSpiffeId> parsed = new LinkedHashMap<>();
    for (ClusterSpiffeIdResource resource : resources) {
      statsByOwner.put(resource.owner(), new SpiffeIdStats());
      try {
        parsed.put(resource.owner(), ParsedClusterSpiffeId.parse(resource.spec()));
      } catch (RuntimeException e) {
        // IllegalArgumentException or TemplateException: a spec no pod can be rendered with.
        LOG.warn("{}: invalid spec: {}", resource.owner(), e.getMessage());
      }
    }
    // A fallback ClusterSPIFFEID applies only to pods no other (non-fallback) one selects.
    Set<String> claimed = new HashSet<>();
    for (boolean fallbackPass : new boolean[] {false, true}) {
      Set<String> claimedThisPass = new HashSet<>();
      for (Map.Entry<Owner, ParsedClusterSpiffeId> item : parsed.entrySet()) {
        ParsedClusterSpiffeId spec = item.getValue();
        if (spec.fallback() != fallbackPass) {
          continue;
        }
        SpiffeIdStats stats = statsByOwner.get(item.getKey());
        for (Namespace namespace : workloads.namespaces()) {
          if (!LabelSelectors.matches(spec.namespaceSelector(), namespace.getMetadata().getLabels())) {
            continue;
          }
          stats.namespacesSelected++;
          String name = namespace.getMetadata().getName();
          if (config.ignoresNamespace(name)) {
            stats.namespacesIgnored++;
            continue;
          }
          for (Pod pod : workloads.pods()) {
            if (!name.equals(pod.getMetadata().getNamespace())
                || !LabelSelectors.matches(spec.podSelector(), pod.getMetadata().getLabels())
                || (fallbackPass && claimed.contains(pod.getMetadata().getUid()))) {
              continue;
            }
            stats.podsSelected++;
            Node node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? null
                : workloads.nodesByName().get(pod.getSpec().getNodeName());
            if (node == null) {
              continue; // not scheduled yet, or its node is gone: no agent can serve it
            }
            claimedThisPass.add(pod.getMetadata().getUid());
            try {
              declare(declared, new Declared(renderer.render(spec, pod, node, workloads.endpoints()), item.getKey()));
            } catch (RuntimeException e) {
              stats.podEntryRenderFailures++;
              LOG.warn("{}: cannot render the entry of pod {}/{}: {}", item.getKey(), name,
                  pod.getMetadata().getName(), e.getMessage());
            }
          }
        }
      }
      claimed.addAll(claimedThisPass);
    }
  }

  private static void declare(Map<String, List<Declared>> declared, Declared entry) {
    declared.computeIfAbsent(Entries.key(entry.entry()), k -> new ArrayList<>()).add(entry);
  }

  private static void counted(Owner owner, Map<Owner, SpiffeIdStats> spiffeIdStats,
      Map<Owner, StaticEntryStatus> staticStatus, boolean masked) {
    SpiffeIdStats stats = spiffeIdStats.get(owner);
    if (stats != null) {
      if (masked) {
        stats.entriesMasked++;
      } else {
        stats.entriesToSet++;
      }
    }
    StaticEntryStatus status = staticStatus.get(owner);
    if (status != null) {
      status.masked = masked;
      status.set = !masked;
    }
  }
}
