package dev.signet.controller.reconcile;

import static dev.signet.controller.Fixtures.namespace;
import static dev.signet.controller.Fixtures.node;
import static dev.signet.controller.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.controller.Fixtures;
import dev.signet.controller.crd.ClusterSpiffeIdSpec;
import dev.signet.controller.crd.ClusterStaticEntrySpec;
import dev.signet.controller.crd.Owner;
import dev.signet.controller.entry.Entries;
import dev.signet.controller.server.FakeEntryClient;
import dev.signet.proto.spire.api.types.Entry;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reconcile rules, driven through the planner and applied to an in-memory entry store. */
class EntryPlannerTest {
  private static final String ISTIO = "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}";
  private final EntryPlanner planner = new EntryPlanner(Fixtures.config());
  private final FakeEntryClient server = new FakeEntryClient();
  private final AtomicInteger ids = new AtomicInteger();
  private final EntryApplier applier = new EntryApplier(server, Fixtures.PREFIX,
      () -> new UUID(0, ids.incrementAndGet()));
  private Workloads workloads = Workloads.of(
      List.of(namespace("shop", Map.of("team", "a")), namespace("kube-system", Map.of()),
          namespace("batch", Map.of("team", "b"))),
      List.of(pod("shop", "web-1", "uid-web-1", "node-a", Map.of("app", "web")),
          pod("shop", "db-1", "uid-db-1", "node-b", Map.of("app", "db")),
          pod("kube-system", "dns", "uid-dns", "node-a", Map.of("app", "web")),
          pod("batch", "job-1", "uid-job-1", null, Map.of("app", "web"))),
      List.of(node("node-a", "node-uid-a"), node("node-b", "node-uid-b")),
      List.of());

  @Test
  void aMatchingPodGetsItsEntryWithSpireControllerManagersShape() {
    ClusterSpiffeIdResource web = spiffeId("web", 1, spec(ISTIO, Map.of("app", "web"), null));
    EntryPlan plan = reconcile(List.of(web), List.of());

    assertThat(server.entries()).hasSize(1);
    Entry entry = server.entries().getFirst();
    assertThat(entry.getId()).startsWith(Fixtures.PREFIX);
    assertThat(Entries.text(entry.getSpiffeId())).isEqualTo("spiffe://example.org/ns/shop/sa/web-1-sa");
    assertThat(Entries.text(entry.getParentId()))
        .isEqualTo("spiffe://example.org/spire/agent/k8s_psat/demo/node-uid-a");
    assertThat(entry.getSelectorsList()).extracting(s -> s.getType() + ":" + s.getValue())
        .containsExactly("k8s:pod-uid:uid-web-1");
    SpiffeIdStats stats = plan.spiffeIdStats().get(web.owner());
    // shop, kube-system (ignored) and batch are selected; web-1 and the unscheduled job-1 are selected pods
    assertThat(stats.toStatus()).isEqualTo(Map.of("stats", Map.of("namespacesSelected", 3, "namespacesIgnored", 1,
        "podsSelected", 2, "podEntryRenderFailures", 0, "entriesMasked", 0, "entriesToSet", 1, "entryFailures", 0)));
    assertThat(reconcile(List.of(web), List.of()).inStep()).isTrue();
  }

  @Test
  void allFieldsAreRendered() {
    ClusterSpiffeIdSpec spec = new ClusterSpiffeIdSpec(ISTIO, selector(Map.of("app", "web")),
        selector(Map.of("team", "a")), List.of("k8s:ns:{{ .PodMeta.Namespace }}", "k8s:sa:{{ .PodSpec.ServiceAccountName }}"),
        List.of("{{ .PodMeta.Name }}.{{ .PodMeta.Namespace }}.{{ .ClusterDomain }}"), "1h", "5m", List.of("partner.org"),
        true, true, true, false, null, "web-hint");
    workloads = new Workloads(workloads.namespaces(), workloads.pods(), workloads.nodesByName(),
        List.of(new EndpointsBuilder().withNewMetadata().withNamespace("shop").withName("web").endMetadata()
            .addNewSubset().addNewAddress().withIp("10.0.0.1").withNewTargetRef().withKind("Pod").withUid("uid-web-1")
            .endTargetRef().endAddress().endSubset().build()));
    reconcile(List.of(spiffeId("web", 1, spec)), List.of());

    Entry entry = server.entries().getFirst();
    assertThat(entry.getSelectorsList()).extracting(s -> s.getType() + ":" + s.getValue())
        .containsExactly("k8s:ns:shop", "k8s:pod-uid:uid-web-1", "k8s:sa:web-1-sa");
    assertThat(entry.getDnsNamesList()).containsExactly("web-1.shop.cluster.local", "web", "web.shop", "web.shop.svc",
        "web.shop.svc.cluster.local");
    assertThat(entry.getX509SvidTtl()).isEqualTo(3600);
    assertThat(entry.getJwtSvidTtl()).isEqualTo(300);
    assertThat(entry.getFederatesWithList()).containsExactly("partner.org");
    assertThat(entry.getAdmin()).isTrue();
    assertThat(entry.getDownstream()).isTrue();
    assertThat(entry.getHint()).isEqualTo("web-hint");
  }

  @Test
  void ownedEntriesAreUpdatedAndDeletedOthersAreLeftAlone() {
    Entry foreign = Entry.newBuilder().setId("made-by-hand").setSpiffeId(id("/ns/other/sa/x"))
        .setParentId(id("/spire/agent/k8s_psat/demo/node-uid-a")).addSelectors(selector("k8s:pod-uid:gone")).build();
    Entry stale = foreign.toBuilder().setId(Fixtures.PREFIX + "old").build();
    server.put(foreign);
    server.put(stale);
    ClusterSpiffeIdResource web = spiffeId("web", 1, spec(ISTIO, Map.of("app", "web"), null));
    reconcile(List.of(web), List.of());
    assertThat(server.entries()).extracting(Entry::getId).contains("made-by-hand").doesNotContain(Fixtures.PREFIX + "old");

    // a changed TTL updates the same entry in place
    String createdId = server.entries().stream().filter(e -> !e.getId().equals("made-by-hand")).findFirst()
        .orElseThrow().getId();
    ClusterSpiffeIdSpec longer = new ClusterSpiffeIdSpec(ISTIO, selector(Map.of("app", "web")), null, null, null,
        "2h", null, null, false, false, false, false, null, null);
    EntryPlan plan = reconcile(List.of(spiffeId("web", 1, longer)), List.of());
    assertThat(plan.toUpdate()).hasSize(1);
    assertThat(server.entries()).filteredOn(e -> e.getId().equals(createdId))
        .singleElement().extracting(Entry::getX509SvidTtl).isEqualTo(7200);

    // the resource goes: its entry goes, the hand-made one stays
    reconcile(List.of(), List.of());
    assertThat(server.entries()).extracting(Entry::getId).containsExactly("made-by-hand");
  }

  @Test
  void anEntryHeldByAForeignEntryIsAConflictReportedOnTheStatus() {
    server.put(Entry.newBuilder().setId("made-by-hand").setSpiffeId(id("/ns/shop/sa/web-1-sa"))
        .setParentId(id("/spire/agent/k8s_psat/demo/node-uid-a")).addSelectors(selector("k8s:pod-uid:uid-web-1"))
        .build());
    ClusterSpiffeIdResource web = spiffeId("web", 1, spec(ISTIO, Map.of("app", "web"), null));
    EntryPlan plan = reconcile(List.of(web), List.of());
    assertThat(plan.conflicts()).hasSize(1);
    assertThat(plan.spiffeIdStats().get(web.owner()).entryFailures()).isEqualTo(1);
    assertThat(server.entries()).extracting(Entry::getId).containsExactly("made-by-hand");
  }

  @Test
  void theOlderOfTwoResourcesDeclaringOneEntryWinsTheOtherIsMasked() {
    ClusterSpiffeIdResource older = spiffeId("older", 1, spec(ISTIO, Map.of("app", "web"), null));
    ClusterSpiffeIdResource newer = spiffeId("newer", 2, spec(ISTIO, null, selector(Map.of("team", "a"))));
    EntryPlan plan = reconcile(List.of(newer, older), List.of());
    assertThat(plan.spiffeIdStats().get(older.owner()).entriesToSet()).isEqualTo(1);
    assertThat(plan.spiffeIdStats().get(newer.owner()).entriesMasked()).isEqualTo(1);
    // newer also declares db-1's entry, which nobody else does
    assertThat(plan.spiffeIdStats().get(newer.owner()).entriesToSet()).isEqualTo(1);
    assertThat(server.entries()).hasSize(2);
  }

  @Test
  void aFallbackAppliesOnlyToPodsNoOtherResourceSelects() {
    ClusterSpiffeIdResource web = spiffeId("web", 1, spec(ISTIO, Map.of("app", "web"), null));
    ClusterSpiffeIdSpec fallbackSpec = new ClusterSpiffeIdSpec("spiffe://example.org/default/{{ .PodMeta.Name }}",
        null, null, null, null, null, null, null, false, false, false, true, null, null);
    reconcile(List.of(web, spiffeId("fallback", 2, fallbackSpec)), List.of());
    assertThat(server.entries()).extracting(e -> Entries.text(e.getSpiffeId())).containsExactlyInAnyOrder(
        "spiffe://example.org/ns/shop/sa/web-1-sa", "spiffe://example.org/default/db-1");
  }

  @Test
  void renderFailuresAndForeignTrustDomainsAreCounted() {
    ClusterSpiffeIdResource bad = spiffeId("bad", 1, spec("spiffe://elsewhere.org/{{ .PodMeta.Name }}", null, null));
    EntryPlan plan = reconcile(List.of(bad), List.of());
    assertThat(plan.spiffeIdStats().get(bad.owner()).podEntryRenderFailures()).isEqualTo(2);
    assertThat(server.entries()).isEmpty();
  }

  @Test
  void staticEntriesAreSetAndTheirStatusReportsIt() {
    StaticEntryResource downstream = new StaticEntryResource(owner("ClusterStaticEntry", "nested", 1),
        new ClusterStaticEntrySpec("spiffe://example.org/nested", "spiffe://example.org/spire/server",
            List.of("unix:uid:0"), List.of(), "1h", null, List.of("nested.example.org"), null, false, true, true,
            null));
    StaticEntryResource broken = new StaticEntryResource(owner("ClusterStaticEntry", "broken", 2),
        new ClusterStaticEntrySpec("not-an-id", "spiffe://example.org/x", List.of("unix:uid:0"), null, null, null,
            null, null, false, false, false, null));
    EntryPlan plan = reconcile(List.of(), List.of(downstream, broken));
    assertThat(plan.staticStatus().get(downstream.owner()).toStatus())
        .isEqualTo(Map.of("rendered", true, "masked", false, "set", true));
    assertThat(plan.staticStatus().get(broken.owner()).rendered()).isFalse();
    assertThat(server.entries()).singleElement().satisfies(e -> {
      assertThat(e.getDownstream()).isTrue();
      assertThat(e.getStoreSvid()).isTrue();
      assertThat(e.getX509SvidTtl()).isEqualTo(3600);
    });
  }

  @Test
  void aRefusedCreateIsAnEntryFailure() {
    server.refuse.add("spiffe://example.org/ns/shop/sa/web-1-sa");
    ClusterSpiffeIdResource web = spiffeId("web", 1, spec(ISTIO, Map.of("app", "web"), null));
    EntryPlan plan = reconcile(List.of(web), List.of());
    assertThat(plan.spiffeIdStats().get(web.owner()).entryFailures()).isEqualTo(1);
  }

  private EntryPlan reconcile(List<ClusterSpiffeIdResource> spiffeIds, List<StaticEntryResource> statics) {
    EntryPlan plan = planner.plan(spiffeIds, statics, workloads, server.list());
    applier.apply(plan);
    return plan;
  }

  private static ClusterSpiffeIdResource spiffeId(String name, int age, ClusterSpiffeIdSpec spec) {
    return new ClusterSpiffeIdResource(owner("ClusterSPIFFEID", name, age), spec);
  }

  private static Owner owner(String kind, String name, int order) {
    return new Owner(kind, name, "uid-" + name, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(order));
  }

  private static ClusterSpiffeIdSpec spec(String template, Map<String, String> podLabels, LabelSelector namespaces) {
    return new ClusterSpiffeIdSpec(template, podLabels == null ? null : selector(podLabels), namespaces, null, null,
        null, null, null, false, false, false, false, null, null);
  }

  private static LabelSelector selector(Map<String, String> labels) {
    return new LabelSelectorBuilder().withMatchLabels(labels).build();
  }

  private static dev.signet.proto.spire.api.types.SPIFFEID id(String path) {
    return dev.signet.proto.spire.api.types.SPIFFEID.newBuilder().setTrustDomain("example.org").setPath(path).build();
  }

  private static dev.signet.proto.spire.api.types.Selector selector(String text) {
    String[] parts = text.split(":", 2);
    return dev.signet.proto.spire.api.types.Selector.newBuilder().setType(parts[0]).setValue(parts[1]).build();
  }
}
