package dev.signet.controller;

import dev.signet.controller.config.ControllerConfig;
import dev.signet.controller.crd.Owner;
import dev.signet.controller.federation.FederationClient;
import dev.signet.controller.federation.FederationReconciler;
import dev.signet.controller.federation.FederationRenderer;
import dev.signet.proto.spire.api.types.FederationRelationship;
import dev.signet.controller.k8s.ClusterCache;
import dev.signet.controller.k8s.SpireResources;
import dev.signet.controller.k8s.StatusWriter;
import dev.signet.controller.reconcile.ClusterSpiffeIdResource;
import dev.signet.controller.reconcile.EntryApplier;
import dev.signet.controller.reconcile.EntryPlan;
import dev.signet.controller.reconcile.EntryPlanner;
import dev.signet.controller.reconcile.StaticEntryResource;
import dev.signet.controller.reconcile.Workloads;
import dev.signet.controller.server.EntryClient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile loop: informer events (and every {@code gcInterval} while idle) schedule one pass on a single
 * thread; bursts of events coalesce into one pass. A pass reads the informer caches, brings the federation
 * relationships in step ({@link FederationReconciler}), lists the server's entries, plans ({@link EntryPlanner}),
 * applies ({@link EntryApplier}) and writes the resources' statuses.
 *
 * <p>Security: no pass runs before every informer has listed once, so a half-filled cache never makes the
 * controller delete entries of pods it simply has not seen yet.
 */
public final class ControllerManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
  private static final long DEBOUNCE_MILLIS = 50;
  private static final long CLOSE_WAIT_SECONDS = 10;
  private final ControllerConfig config;
  private final KubernetesClient kube;
  private final EntryClient entries;
  private final EntryPlanner planner;
  private final EntryApplier applier;
  private final StatusWriter statuses;
  private final FederationReconciler federation;
  private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "reconcile");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicLong passes = new AtomicLong();
  private ClusterCache cache;

  public ControllerManager(ControllerConfig config, KubernetesClient kube, EntryClient entries,
      FederationClient federationClient) {
    this.config = config;
    this.kube = kube;
    this.entries = entries;
    this.planner = new EntryPlanner(config);
    this.applier = new EntryApplier(entries, config.entryIdPrefix());
    this.statuses = new StatusWriter(kube);
    this.federation = new FederationReconciler(federationClient);
  }

  /** Starts the informers and the loop; false if the caches did not fill within {@code syncTimeoutSeconds}. */
  public boolean start(long syncTimeoutSeconds) throws InterruptedException {
    cache = new ClusterCache(kube, this::trigger);
    if (!cache.awaitSynced(syncTimeoutSeconds, TimeUnit.SECONDS)) {
      return false;
    }
    long gc = config.gcInterval().toMillis();
    loop.scheduleWithFixedDelay(this::trigger, 0, gc, TimeUnit.MILLISECONDS);
    return true;
  }

  /** Asks for a reconcile pass soon; calls while one is pending coalesce. */
  public void trigger() {
    if (pending.compareAndSet(false, true)) {
      loop.schedule(this::pass, DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** How many passes have completed (for tests and the log). */
  public long passes() {
    return passes.get();
  }

  private void pass() {
    pending.set(false);
    if (!cache.synced()) {
      return;
    }
    try {
      reconcile();
    } catch (StatusRuntimeException e) {
      LOG.error("reconcile pass failed: the server's entry API answered {}", e.getStatus());
    } catch (KubernetesClientException e) {
      LOG.error("reconcile pass failed: the Kubernetes API answered {}", e.getMessage());
    }
    passes.incrementAndGet();
  }

  private void reconcile() {
    if (config.reconcileClusterFederatedTrustDomains()) {
      Map<Owner, FederationRelationship> relationships = new HashMap<>();
      for (GenericKubernetesResource resource : mine(cache.clusterFederatedTrustDomains())) {
        try {
          relationships.put(SpireResources.owner(resource),
              FederationRenderer.render(SpireResources.clusterFederatedTrustDomain(resource)));
        } catch (IllegalArgumentException e) {
          LOG.warn("{} \"{}\": {}", resource.getKind(), resource.getMetadata().getName(), e.getMessage());
        }
      }
      federation.reconcile(relationships);
    }
    Map<Owner, GenericKubernetesResource> byOwner = new HashMap<>();
    List<ClusterSpiffeIdResource> spiffeIds = new ArrayList<>();
    if (config.reconcileClusterSpiffeIds()) {
      for (GenericKubernetesResource resource : mine(cache.clusterSpiffeIds())) {
        try {
          ClusterSpiffeIdResource parsed = SpireResources.clusterSpiffeId(resource);
          spiffeIds.add(parsed);
          byOwner.put(parsed.owner(), resource);
        } catch (IllegalArgumentException e) {
          LOG.warn("{}", e.getMessage());
        }
      }
    }
    List<StaticEntryResource> statics = new ArrayList<>();
    if (config.reconcileClusterStaticEntries()) {
      for (GenericKubernetesResource resource : mine(cache.clusterStaticEntries())) {
        try {
          StaticEntryResource parsed = SpireResources.clusterStaticEntry(resource);
          statics.add(parsed);
          byOwner.put(parsed.owner(), resource);
        } catch (IllegalArgumentException e) {
          LOG.warn("{}", e.getMessage());
        }
      }
    }
    Workloads workloads = Workloads.of(cache.namespaces(), cache.pods(), cache.nodes(), cache.endpoints());
    EntryPlan plan = planner.plan(spiffeIds, statics, workloads, entries.list());
    applier.apply(plan);
    plan.spiffeIdStats().forEach((owner, stats) ->
        statuses.write(SpireResources.CLUSTER_SPIFFE_ID, byOwner.get(owner), stats.toStatus()));
    plan.staticStatus().forEach((owner, status) ->
        statuses.write(SpireResources.CLUSTER_STATIC_ENTRY, byOwner.get(owner), status.toStatus()));
  }

  private List<GenericKubernetesResource> mine(List<GenericKubernetesResource> resources) {
    return resources.stream().filter(r -> config.handlesClass(SpireResources.className(r))).toList();
  }

  /** Stops the loop (letting a running pass finish its current call) and then the informers. */
  @Override
  public void close() {
    loop.shutdown();
    try {
      if (!loop.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        loop.shutdownNow();
      }
    } catch (InterruptedException e) {
      loop.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (cache != null) {
      cache.close();
    }
  }
}
