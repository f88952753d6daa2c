package dev.signet.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.controller.entry.Entries;
import dev.signet.controller.federation.FakeFederationClient;
import dev.signet.controller.k8s.MockCluster;
import dev.signet.controller.k8s.SpireResources;
import dev.signet.controller.server.FakeEntryClient;
import dev.signet.proto.spire.api.types.Entry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against fabric8's mock API server in CRUD mode: pods, namespaces and nodes come and go, and the
 * entries (in an in-memory entry store) and the resources' statuses follow.
 */
class ControllerManagerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private MockCluster cluster;
  private KubernetesClient kube;
  private final FakeEntryClient server = new FakeEntryClient();
  private final FakeFederationClient federation = new FakeFederationClient();
  private ControllerManager manager;
  private String nodeA;

  @BeforeEach
  void start() throws InterruptedException {
    cluster = new MockCluster();
    kube = cluster.client();
    kube.namespaces().resource(Fixtures.namespace("shop", Map.of("team", "a"))).create();
    kube.namespaces().resource(Fixtures.namespace("kube-system", Map.of())).create();
    nodeA = kube.nodes().resource(Fixtures.node("node-a", "node-uid-a")).create().getMetadata().getUid();
    manager = new ControllerManager(Fixtures.config(), kube, server, federation);
    assertThat(manager.start(30)).isTrue();
  }

  @AfterEach
  void stop() {
    manager.close();
    cluster.close();
  }

  @Test
  void entriesFollowPodsAndResources() {
    GenericKubernetesResource web = cluster.create(SpireResources.CLUSTER_SPIFFE_ID, "web", Map.of(
        "spiffeIDTemplate", "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}",
        "podSelector", Map.of("matchLabels", Map.of("app", "web")),
        "workloadSelectorTemplates", List.of("k8s:ns:{{ .PodMeta.Namespace }}")));
    String web1 = kube.pods().resource(Fixtures.pod("shop", "web-1", "uid-web-1", "node-a", Map.of("app", "web")))
        .create().getMetadata().getUid();
    kube.pods().resource(Fixtures.pod("shop", "db-1", "uid-db-1", "node-a", Map.of("app", "db"))).create();
    kube.pods().resource(Fixtures.pod("kube-system", "dns", "uid-dns", "node-a", Map.of("app", "web"))).create();

    await().atMost(WAIT).untilAsserted(() -> assertThat(spiffeIds())
        .containsExactly("spiffe://example.org/ns/shop/sa/web-1-sa"));
    Entry entry = server.entries().getFirst();
    assertThat(Entries.text(entry.getParentId())).isEqualTo("spiffe://example.org/spire/agent/k8s_psat/demo/" + nodeA);
    assertThat(entry.getSelectorsList()).extracting(s -> s.getType() + ":" + s.getValue())
        .containsExactly("k8s:ns:shop", "k8s:pod-uid:" + web1);
    await().atMost(WAIT).untilAsserted(() -> assertThat(stats("web"))
        .containsEntry("podsSelected", 1).containsEntry("entriesToSet", 1).containsEntry("namespacesIgnored", 1));

    // a second pod comes, on a node that appears later
    kube.pods().resource(Fixtures.pod("shop", "web-2", "uid-web-2", "node-b", Map.of("app", "web"))).create();
    String nodeB = kube.nodes().resource(Fixtures.node("node-b", "node-uid-b")).create().getMetadata().getUid();
    await().atMost(WAIT).untilAsserted(() -> assertThat(parentIds()).containsExactlyInAnyOrder(
        "spiffe://example.org/spire/agent/k8s_psat/demo/" + nodeA,
        "spiffe://example.org/spire/agent/k8s_psat/demo/" + nodeB));

    // its node goes: its entry goes
    kube.nodes().withName("node-b").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.entries()).hasSize(1));

    // a relabelled pod loses its entry
    Pod relabelled = kube.pods().inNamespace("shop").withName("web-1").get();
    relabelled.getMetadata().setLabels(Map.of("app", "other"));
    kube.pods().resource(relabelled).update();
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.entries()).isEmpty());

    // a new namespace with a matching pod
    kube.namespaces().resource(Fixtures.namespace("shop-2", Map.of("team", "b"))).create();
    kube.pods().resource(Fixtures.pod("shop-2", "web-3", "uid-web-3", "node-a", Map.of("app", "web"))).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(spiffeIds())
        .containsExactly("spiffe://example.org/ns/shop-2/sa/web-3-sa"));

    // the namespace goes (with its pods): the entry goes
    kube.pods().inNamespace("shop-2").withName("web-3").delete();
    kube.namespaces().withName("shop-2").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.entries()).isEmpty());

    // the resource goes: nothing of it stays
    kube.pods().resource(Fixtures.pod("shop", "web-4", "uid-web-4", "node-a", Map.of("app", "web"))).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.entries()).hasSize(1));
    kube.genericKubernetesResources(SpireResources.CLUSTER_SPIFFE_ID).resource(web).delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(server.entries()).isEmpty());
  }

  @Test
  void resourcesOfAnotherClassAreNotMine() {
    cluster.create(SpireResources.CLUSTER_SPIFFE_ID, "theirs", Map.of("className", "other",
        "spiffeIDTemplate", "spiffe://example.org/theirs/{{ .PodMeta.Name }}"));
    cluster.create(SpireResources.CLUSTER_SPIFFE_ID, "mine", Map.of(
        "spiffeIDTemplate", "spiffe://example.org/mine/{{ .PodMeta.Name }}"));
    kube.pods().resource(Fixtures.pod("shop", "web-1", "uid-web-1", "node-a", Map.of("app", "web"))).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(spiffeIds()).containsExactly("spiffe://example.org/mine/web-1"));
  }

  @Test
  void aStaticEntryIsSetAndItsStatusSaysSo() {
    cluster.create(SpireResources.CLUSTER_STATIC_ENTRY, "nested", Map.of(
        "spiffeID", "spiffe://example.org/nested", "parentID", "spiffe://example.org/spire/server",
        "selectors", List.of("unix:uid:0"), "downstream", true));
    await().atMost(WAIT).untilAsserted(() -> assertThat(spiffeIds()).containsExactly("spiffe://example.org/nested"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(status(SpireResources.CLUSTER_STATIC_ENTRY, "nested"))
        .isEqualTo(Map.of("rendered", true, "masked", false, "set", true)));
  }

  @Test
  void aClusterFederatedTrustDomainBecomesAFederationRelationship() {
    cluster.create(SpireResources.CLUSTER_FEDERATED_TRUST_DOMAIN, "partner", Map.of(
        "trustDomain", "partner.org", "bundleEndpointURL", "https://partner.example/bundle",
        "bundleEndpointProfile", Map.of("type", "https_spiffe", "endpointSPIFFEID", "spiffe://partner.org/spire/server")));
    await().atMost(WAIT).untilAsserted(() -> assertThat(federation.relationships).containsKey("partner.org"));
    kube.genericKubernetesResources(SpireResources.CLUSTER_FEDERATED_TRUST_DOMAIN).withName("partner").delete();
    await().atMost(WAIT).untilAsserted(() -> assertThat(federation.relationships).isEmpty());
  }

  private List<String> spiffeIds() {
    return server.entries().stream().map(e -> Entries.text(e.getSpiffeId())).toList();
  }

  private List<String> parentIds() {
    return server.entries().stream().map(e -> Entries.text(e.getParentId())).toList();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> stats(String name) {
    Map<String, Object> status = status(SpireResources.CLUSTER_SPIFFE_ID, name);
    return status == null ? Map.of() : (Map<String, Object>) status.get("stats");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> status(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext kind,
      String name) {
    GenericKubernetesResource resource = kube.genericKubernetesResources(kind).withName(name).get();
    return (Map<String, Object>) resource.getAdditionalProperties().get("status");
  }
}
