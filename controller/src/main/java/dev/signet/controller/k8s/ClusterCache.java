package dev.signet.controller.k8s;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * fabric8 informers over everything an entry depends on: pods, nodes, namespaces, endpoints (for
 * {@code autoPopulateDNSNames}) and the three spire.spiffe.io custom resources. Any add, update or delete calls
 * {@code onChange}; the reconcile pass then reads the informers' caches, never the API server directly.
 */
public final class ClusterCache implements AutoCloseable {
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final List<java.util.concurrent.CompletableFuture<Void>> started = new ArrayList<>();
  private final SharedIndexInformer<Pod> pods;
  private final SharedIndexInformer<Node> nodes;
  private final SharedIndexInformer<Namespace> namespaces;
  private final SharedIndexInformer<Endpoints> endpoints;
  private final SharedIndexInformer<GenericKubernetesResource> clusterSpiffeIds;
  private final SharedIndexInformer<GenericKubernetesResource> clusterStaticEntries;
  private final SharedIndexInformer<GenericKubernetesResource> clusterFederatedTrustDomains;

  /** Starts the informers (without waiting for their first list; see {@link #awaitSynced}). */
  public ClusterCache(KubernetesClient client, Runnable onChange) {
    pods = add(client.pods().inAnyNamespace().runnableInformer(0), onChange);
    nodes = add(client.nodes().runnableInformer(0), onChange);
    namespaces = add(client.namespaces().runnableInformer(0), onChange);
    endpoints = add(client.endpoints().inAnyNamespace().runnableInformer(0), onChange);
    clusterSpiffeIds = add(client.genericKubernetesResources(SpireResources.CLUSTER_SPIFFE_ID).runnableInformer(0),
        onChange);
    clusterStaticEntries = add(
        client.genericKubernetesResources(SpireResources.CLUSTER_STATIC_ENTRY).runnableInformer(0), onChange);
    clusterFederatedTrustDomains = add(
        client.genericKubernetesResources(SpireResources.CLUSTER_FEDERATED_TRUST_DOMAIN).runnableInformer(0), onChange);
    informers.forEach(i -> started.add(i.start().toCompletableFuture()));
  }

  private <T extends HasMetadata> SharedIndexInformer<T> add(SharedIndexInformer<T> informer, Runnable onChange) {
    informer.addEventHandler(new ResourceEventHandler<T>() {
      @Override
      public void onAdd(T obj) {
        onChange.run();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        onChange.run();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        onChange.run();
      }
    });
    informers.add(informer);
    return informer;
  }

  /**
   * Waits until every informer has listed once; false if that took longer than {@code timeout} or a list failed
   * (for instance the spire.spiffe.io CRDs are not installed).
   */
  public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    for (var start : started) {
      long left = deadline - System.nanoTime();
      try {
        start.get(Math.max(0, left), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return false;
      }
    }
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  /** Whether every informer has listed once (the caches are complete enough to delete by). */
  public boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  public List<Pod> pods() {
    return pods.getStore().list();
  }

  public List<Node> nodes() {
    return nodes.getStore().list();
  }

  public List<Namespace> namespaces() {
    return namespaces.getStore().list();
  }

  public List<Endpoints> endpoints() {
    return endpoints.getStore().list();
  }

  public List<GenericKubernetesResource> clusterSpiffeIds() {
    return clusterSpiffeIds.getStore().list();
  }

  public List<GenericKubernetesResource> clusterStaticEntries() {
    return clusterStaticEntries.getStore().list();
  }

  public List<GenericKubernetesResource> clusterFederatedTrustDomains() {
    return clusterFederatedTrustDomains.getStore().list();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
