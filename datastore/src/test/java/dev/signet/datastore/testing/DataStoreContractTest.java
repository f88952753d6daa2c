package dev.signet.datastore.testing;

import static dev.signet.datastore.testing.TestEntries.entry;
import static dev.signet.datastore.testing.TestEntries.id;
import static dev.signet.datastore.testing.TestEntries.node;
import static dev.signet.datastore.testing.TestEntries.selectors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DataStoreException.Kind;
import dev.signet.datastore.DeleteMode;
import dev.signet.datastore.EntryAttributes;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.FederationRelationship;
import dev.signet.datastore.ItemOutcome;
import dev.signet.datastore.JoinToken;
import dev.signet.datastore.MatchBehavior;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.datastore.StoredBundle;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The behaviour every {@link DataStore} must have, run against each database by a subclass that says how
 * to open a fresh, empty store. Subclasses in other modules may reuse it for other implementations.
 */
public abstract class DataStoreContractTest {
  protected static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

  protected final ManualClock clock = new ManualClock(START);
  protected DataStore store;

  /** A new, empty store using {@code clock}, with room for at least 16 concurrent connections. */
  protected abstract DataStore openEmptyStore(ManualClock clock) throws Exception;

  @BeforeEach
  void open() throws Exception {
    store = openEmptyStore(clock);
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  // ---- entries: CRUD

  @Test
  void createdEntryRoundTripsEveryField() {
    store.createBundle(bundle("fed.example"));
    RegistrationEntry wanted = new RegistrationEntry("entry-1", id("/web"), id("/spire/agent/x509pop/n1"),
        selectors("unix:uid:1000", "unix:gid:0"), 3600, 300, List.of("fed.example"), true, true, 2_000_000_000L,
        List.of("web.example.org", "alt.example.org"), 0, true, "frontend", 0);

    RegistrationEntry created = store.createEntry(wanted);

    assertThat(created).isEqualTo(wanted.withServerFields(0, START.getEpochSecond()));
    assertThat(store.fetchEntry("entry-1")).contains(created);
    assertThat(store.fetchEntry("missing")).isEmpty();
  }

  @Test
  void emptyEntryIdIsReplacedByUuid() {
    RegistrationEntry created = store.createEntry(entry("/a", "/p", "unix:uid:1"));

    assertThat(created.entryId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    assertThat(store.fetchEntry(created.entryId())).contains(created);
  }

  @Test
  void entryWithSameSpiffeIdParentAndSelectorSetAlreadyExists() {
    RegistrationEntry first = store.createEntry(entry("/a", "/p", "unix:uid:1", "unix:gid:2"));

    expect(Kind.ALREADY_EXISTS, () -> store.createEntry(entry("/a", "/p", "unix:gid:2", "unix:uid:1")))
        .hasMessageContaining(first.entryId()).hasMessageContaining("spiffe://example.org/a");
    store.createEntry(entry("/a", "/p", "unix:uid:1"));
    store.createEntry(entry("/a", "/other", "unix:uid:1", "unix:gid:2"));
    assertThat(store.countEntries(EntryFilter.ALL)).isEqualTo(3);
  }

  @Test
  void takenEntryIdAlreadyExists() {
    store.createEntry(entry("/a", "/p", "unix:uid:1").withEntryId("fixed"));

    expect(Kind.ALREADY_EXISTS, () -> store.createEntry(entry("/b", "/p", "unix:uid:1").withEntryId("fixed")))
        .hasMessageContaining("\"fixed\"");
  }

  @Test
  void invalidEntriesAreRefused() {
    expect(Kind.INVALID_ARGUMENT, () -> store.createEntry(entry("/a", "/p"))).hasMessageContaining("selector");
    RegistrationEntry federated = new RegistrationEntry("", id("/a"), id("/p"), selectors("unix:uid:1"), 0, 0,
        List.of("nowhere.example"), false, false, 0, List.of(), 0, false, "", 0);
    expect(Kind.INVALID_ARGUMENT, () -> store.createEntry(federated)).hasMessageContaining("\"nowhere.example\"");
    expect(Kind.INVALID_ARGUMENT, () -> store.createEntry(entry("/a", "/p", "unix:uid:1").withEntryId("has space")));
    assertThat(store.countEntries(EntryFilter.ALL)).isZero();
  }

  @Test
  void batchCreateStoresEachGoodEntryAndLeavesOutEachBadOneWithItsEvents() {
    store.createEntry(entry("/taken", "/p", "unix:uid:9").withEntryId("taken"));
    long eventsBefore = store.latestEventId();

    List<ItemOutcome<RegistrationEntry>> outcomes = store.createEntries(List.of(
        entry("/a", "/p", "unix:uid:1").withEntryId("a"),
        entry("/a", "/p", "unix:uid:1"), // a twin of the first, in the same batch
        entry("/b", "/p", "unix:uid:2").withEntryId("taken"),
        entry("/c", "/p"), // no selector
        entry("/d", "/p", "unix:uid:4").withEntryId("has space"),
        entry("/e", "/p", "unix:uid:5")));

    assertThat(outcomes).hasSize(6);
    assertThat(outcomes.get(0).stored()).isEqualTo(entry("/a", "/p", "unix:uid:1").withEntryId("a")
        .withServerFields(0, START.getEpochSecond()));
    assertThat(outcomes.get(1).failure().kind()).isEqualTo(Kind.ALREADY_EXISTS);
    assertThat(outcomes.get(1).failure()).hasMessageContaining("\"a\"");
    assertThat(outcomes.get(2).failure().kind()).isEqualTo(Kind.ALREADY_EXISTS);
    assertThat(outcomes.get(3).failure().kind()).isEqualTo(Kind.INVALID_ARGUMENT);
    assertThat(outcomes.get(4).failure().kind()).isEqualTo(Kind.INVALID_ARGUMENT);
    RegistrationEntry last = outcomes.get(5).stored();
    assertThat(store.fetchEntry(last.entryId())).contains(last);
    assertThat(store.fetchEntry("taken").orElseThrow().spiffeId()).isEqualTo(id("/taken"));
    assertThat(store.countEntries(EntryFilter.ALL)).isEqualTo(3);
    assertThat(store.listEvents(eventsBefore, 100)).extracting(ChangeEvent::key).containsExactly("a", last.entryId());
  }

  @Test
  void fetchEntriesReturnsTheStoredOnesInCreationOrder() {
    RegistrationEntry a = store.createEntry(entry("/a", "/p", "unix:uid:1"));
    RegistrationEntry b = store.createEntry(entry("/b", "/p", "unix:uid:2", "unix:gid:3"));
    RegistrationEntry c = store.createEntry(entry("/c", "/p", "unix:uid:3"));
    store.deleteEntry(c.entryId());

    assertThat(store.fetchEntries(List.of(b.entryId(), "missing", a.entryId(), c.entryId(), b.entryId())))
        .containsExactly(a, b);
    assertThat(store.fetchEntries(List.of())).isEmpty();
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 1_100; i++) { // more ids than one IN list holds
      many.add("absent-" + i);
    }
    many.add(c.entryId());
    many.add(a.entryId());
    assertThat(store.fetchEntries(many)).containsExactly(a);
  }

  @Test
  void batchCreateOfNothingStoresNothing() {
    assertThat(store.createEntries(List.of())).isEmpty();
    assertThat(store.latestEventId()).isZero();
  }

  @Test
  void updateReplacesMaskedFieldsAndIncrementsRevision() {
    RegistrationEntry created = store.createEntry(entry("/a", "/p", "unix:uid:1"));
    RegistrationEntry change = new RegistrationEntry(created.entryId(), id("/ignored"), id("/ignored"),
        selectors("k8s:ns:web"), 60, 0, List.of(), false, false, 0, List.of("a.example.org"), 0, false, "hinted", 0);

    RegistrationEntry updated = store.updateEntry(change, Set.of("selectors", "x509_svid_ttl", "dns_names", "hint"));

    assertThat(updated.spiffeId()).isEqualTo(id("/a"));
    assertThat(updated.selectors()).containsExactly(new Selector("k8s", "ns:web"));
    assertThat(updated.x509SvidTtl()).isEqualTo(60);
    assertThat(updated.dnsNames()).containsExactly("a.example.org");
    assertThat(updated.hint()).isEqualTo("hinted");
    assertThat(updated.revisionNumber()).isEqualTo(1);
    assertThat(updated.createdAt()).isEqualTo(created.createdAt());
    assertThat(store.fetchEntry(created.entryId())).contains(updated);
    assertThat(store.updateEntry(updated, null).revisionNumber()).isEqualTo(2);
  }

  @Test
  void updateFailures() {
    RegistrationEntry a = store.createEntry(entry("/a", "/p", "unix:uid:1"));
    RegistrationEntry b = store.createEntry(entry("/b", "/p", "unix:uid:1"));

    expect(Kind.NOT_FOUND, () -> store.updateEntry(a.withEntryId("nope"), null)).hasMessageContaining("\"nope\"");
    expect(Kind.INVALID_ARGUMENT, () -> store.updateEntry(a, Set.of("revision_number")));
    expect(Kind.ALREADY_EXISTS, () -> store.updateEntry(
        new RegistrationEntry(b.entryId(), id("/a"), id("/p"), b.selectors(), 0, 0, List.of(), false, false, 0,
            List.of(), 0, false, "", 0), Set.of("spiffe_id")));
    store.updateEntry(a, Set.of("hint"));
    expect(Kind.CONFLICT, () -> store.updateEntry(a, Set.of("hint"), 7))
        .hasMessageContaining("revision 1");
    assertThat(store.fetchEntry(b.entryId())).contains(b);
  }

  @Test
  void deleteReturnsTheEntryAndRemovesIt() {
    RegistrationEntry created = store.createEntry(entry("/a", "/p", "unix:uid:1"));

    assertThat(store.deleteEntry(created.entryId())).isEqualTo(created);
    assertThat(store.fetchEntry(created.entryId())).isEmpty();
    expect(Kind.NOT_FOUND, () -> store.deleteEntry(created.entryId()));
  }

  // ---- entries: filters and paging

  @Test
  void filtersBySpiffeIdParentHintAndDownstream() {
    RegistrationEntry a = store.createEntry(entry("/a", "/p1", "unix:uid:1"));
    RegistrationEntry b = store.createEntry(new RegistrationEntry("", id("/b"), id("/p2"), selectors("unix:uid:1"), 0, 0,
        List.of(), false, true, 0, List.of(), 0, false, "db", 0));

    assertThat(ids(store.listEntries(EntryFilter.bySpiffeId(id("/a")), "", 0))).containsExactly(a.entryId());
    assertThat(ids(store.listEntries(EntryFilter.byParentId(id("/p2")), "", 0))).containsExactly(b.entryId());
    assertThat(ids(store.listEntries(new EntryFilter(null, null, null, null, null, null, "db", null), "", 0)))
        .containsExactly(b.entryId());
    assertThat(ids(store.listEntries(new EntryFilter(null, null, null, null, null, null, null, false), "", 0)))
        .containsExactly(a.entryId());
    assertThat(store.countEntries(new EntryFilter(id("/a"), id("/p2"), null, null, null, null, null, null))).isZero();
  }

  @ParameterizedTest
  @CsvSource({"EXACT, B", "SUBSET, A B", "SUPERSET, B C", "ANY, A B C"})
  void selectorMatchBehaviours(MatchBehavior match, String expected) {
    store.createEntry(entry("/A", "/p", "t:a").withEntryId("A"));
    store.createEntry(entry("/B", "/p", "t:b", "t:a").withEntryId("B"));
    store.createEntry(entry("/C", "/p", "t:a", "t:b", "t:c").withEntryId("C"));
    store.createEntry(entry("/D", "/p", "t:d").withEntryId("D"));

    EntryFilter filter = EntryFilter.bySelectors(selectors("t:a", "t:b"), match);

    assertThat(ids(store.listEntries(filter, "", 0))).containsExactly(expected.split(" "));
    assertThat(store.countEntries(filter)).isEqualTo(expected.split(" ").length);
  }

  @ParameterizedTest
  @CsvSource({"EXACT, B", "SUBSET, A B", "SUPERSET, B C", "ANY, A B C"})
  void federatesWithMatchBehaviours(MatchBehavior match, String expected) {
    for (String td : List.of("a.example", "b.example", "c.example")) {
      store.createBundle(bundle(td));
    }
    createFederated("A", "a.example");
    createFederated("B", "b.example", "a.example");
    createFederated("C", "a.example", "b.example", "c.example");
    createFederated("D");

    EntryFilter filter = EntryFilter.byFederatesWith(List.of("a.example", "b.example"), match);

    assertThat(ids(store.listEntries(filter, "", 0))).containsExactly(expected.split(" "));
  }

  @Test
  void emptyFilterSetsAreRefused() {
    expect(Kind.INVALID_ARGUMENT, () -> store.listEntries(EntryFilter.bySelectors(List.of(), MatchBehavior.ANY), "", 0));
    expect(Kind.INVALID_ARGUMENT, () -> store.countEntries(EntryFilter.byFederatesWith(List.of(), MatchBehavior.ANY)));
  }

  @Test
  void pagesThroughEntriesInCreationOrder() {
    List<String> created = IntStream.range(0, 7)
        .mapToObj(i -> store.createEntry(entry("/w" + i, "/p", "unix:uid:" + i)).entryId()).toList();

    List<String> seen = new ArrayList<>();
    List<Integer> sizes = new ArrayList<>();
    String token = "";
    do {
      Page<RegistrationEntry> page = store.listEntries(EntryFilter.ALL, token, 3);
      seen.addAll(ids(page));
      sizes.add(page.items().size());
      token = page.nextPageToken();
    } while (!token.isEmpty());

    assertThat(seen).isEqualTo(created);
    assertThat(sizes).containsExactly(3, 3, 1);
    assertThat(store.listEntries(EntryFilter.ALL, "", 7).last()).isTrue();
    assertThat(ids(store.listEntries(EntryFilter.bySelectors(selectors("unix:uid:5", "unix:uid:6", "unix:uid:1"),
        MatchBehavior.ANY), "", 2))).containsExactly(created.get(1), created.get(5));
    expect(Kind.INVALID_ARGUMENT, () -> store.listEntries(EntryFilter.ALL, "garbage", 3))
        .hasMessageContaining("\"garbage\"");
    expect(Kind.INVALID_ARGUMENT, () -> store.listEntries(EntryFilter.ALL, "", -1));
  }

  @Test
  void listAllEntriesAndPruneExpired() {
    RegistrationEntry keep = store.createEntry(entry("/keep", "/p", "unix:uid:1"));
    RegistrationEntry old = store.createEntry(new RegistrationEntry("", id("/old"), id("/p"), selectors("unix:uid:1"),
        0, 0, List.of(), false, false, START.getEpochSecond() - 10, List.of("x.example.org"), 0, false, "", 0));

    assertThat(store.listAllEntries()).containsExactly(keep, old);
    assertThat(store.pruneEntries(START)).isEqualTo(1);
    assertThat(store.listAllEntries()).containsExactly(keep);
  }

  // ---- concurrency

  @Test
  void fiftyConcurrentConsumersOfOneJoinTokenYieldExactlyOneSuccess() throws Exception {
    store.createJoinToken(new JoinToken("tok-123", START.plusSeconds(600)));

    List<Optional<Instant>> results = concurrently(50, i -> store.consumeJoinToken("tok-123"));

    assertThat(results.stream().filter(Optional::isPresent).toList()).containsExactly(Optional.of(START.plusSeconds(600)));
    assertThat(store.consumeJoinToken("tok-123")).isEmpty();
  }

  @Test
  void joinTokensAreSingleUseAndExpire() {
    store.createJoinToken(new JoinToken("fresh", START.plusSeconds(60)));
    store.createJoinToken(new JoinToken("stale", START.minusSeconds(1)));
    store.createJoinToken(new JoinToken("old", START.minusSeconds(3600)));

    expect(Kind.ALREADY_EXISTS, () -> store.createJoinToken(new JoinToken("fresh", START)))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("fresh"));
    assertThat(store.consumeJoinToken("stale", clock.instant())).isFalse();
    assertThat(store.consumeJoinToken("stale")).isEmpty();
    assertThat(store.consumeJoinToken("never", clock.instant())).isFalse();
    assertThat(store.pruneJoinTokens(START.minusSeconds(10))).isEqualTo(1);
    assertThat(store.consumeJoinToken("old")).isEmpty();
    assertThat(store.consumeJoinToken("fresh", clock.instant())).isTrue();
    assertThat(store.consumeJoinToken("fresh", clock.instant())).isFalse();
  }

  /** Servers sharing a database each add their own CA to the one bundle: no addition may be lost. */
  @Test
  void concurrentBundleUpdatesLoseNothingIncludingTheFirstInsert() throws Exception {
    int writers = 12;

    concurrently(writers, i -> store.updateBundle("example.org", stored -> {
      String before = stored.map(b -> new String(b.data(), StandardCharsets.UTF_8)).orElse("");
      return Optional.of(new StoredBundle("example.org", (before + "[ca " + i + "]").getBytes(StandardCharsets.UTF_8)));
    }));

    String data = new String(store.fetchBundle("example.org").orElseThrow().data(), StandardCharsets.UTF_8);
    for (int i = 0; i < writers; i++) {
      assertThat(data).contains("[ca " + i + "]");
    }
    assertThat(data.length() - data.replace("[", "").length()).as("one addition per writer in %s", data).isEqualTo(writers);
  }

  @Test
  void bundleUpdateThatChangesNothingWritesNothingAndOneForAnotherDomainIsRefused() {
    store.createBundle(bundle("example.org"));
    long events = store.latestEventId();

    assertThat(store.updateBundle("example.org", stored -> Optional.empty())).contains(bundle("example.org"));
    assertThat(store.updateBundle("absent.org", stored -> Optional.empty())).isEmpty();
    assertThat(store.latestEventId()).isEqualTo(events);
    expect(Kind.INVALID_ARGUMENT, () -> store.updateBundle("example.org", stored -> Optional.of(bundle("other.org"))));
    assertThat(store.fetchBundle("example.org")).contains(bundle("example.org"));
  }

  @Test
  void concurrentReadModifyWriteUpdatesLoseNothing() throws Exception {
    String id = store.createEntry(entry("/a", "/p", "unix:uid:1")).entryId();
    int writers = 16;

    concurrently(writers, i -> {
      while (true) {
        RegistrationEntry current = store.fetchEntry(id).orElseThrow();
        List<String> names = new ArrayList<>(current.dnsNames());
        names.add("n" + i + ".example.org");
        RegistrationEntry next = new RegistrationEntry(id, current.spiffeId(), current.parentId(), current.selectors(),
            0, 0, List.of(), false, false, 0, names, 0, false, "", 0);
        try {
          return store.updateEntry(next, Set.of("dns_names"), current.revisionNumber());
        } catch (DataStoreException e) {
          if (e.kind() != Kind.CONFLICT) {
            throw e;
          }
        }
      }
    });

    RegistrationEntry result = store.fetchEntry(id).orElseThrow();
    assertThat(result.dnsNames()).hasSize(writers);
    assertThat(result.revisionNumber()).isEqualTo(writers);
  }

  @Test
  void concurrentUpdatesOfDifferentFieldsAllSurvive() throws Exception {
    RegistrationEntry created = store.createEntry(entry("/a", "/p", "unix:uid:1"));

    concurrently(20, i -> {
      RegistrationEntry change = i % 2 == 0
          ? new RegistrationEntry(created.entryId(), id("/a"), id("/p"), selectors("unix:uid:1"), 0, 0, List.of(),
              false, false, 0, List.of(), 0, false, "h" + i, 0)
          : new RegistrationEntry(created.entryId(), id("/a"), id("/p"), selectors("unix:uid:1"), 100 + i, 0,
              List.of(), false, false, 0, List.of(), 0, false, "", 0);
      return store.updateEntry(change, Set.of(i % 2 == 0 ? "hint" : "x509_svid_ttl"));
    });

    RegistrationEntry result = store.fetchEntry(created.entryId()).orElseThrow();
    assertThat(result.revisionNumber()).isEqualTo(20);
    assertThat(result.hint()).startsWith("h");
    assertThat(result.x509SvidTtl()).isGreaterThan(100);
  }

  // ---- nodes

  @Test
  void nodeLifecycleWithSerialRotationBanAndDelete() {
    Instant notAfter = START.plus(Duration.ofHours(1));
    AttestedNode created = store.createAttestedNode(node("/spire/agent/x509pop/n1", "x509pop", "11", notAfter,
        "x509pop:subject:cn:n1"));
    assertThat(store.fetchAttestedNode(created.spiffeId())).contains(created);
    expect(Kind.ALREADY_EXISTS, () -> store.createAttestedNode(created));

    AttestedNode renewing = store.updateNodeSerials(created.spiffeId(), "11", notAfter, "12", notAfter.plusSeconds(60));
    assertThat(renewing.certSerialNumber()).isEqualTo("11");
    assertThat(renewing.newCertSerialNumber()).isEqualTo("12");
    assertThat(renewing.newCertNotAfter()).isEqualTo(notAfter.plusSeconds(60));
    AttestedNode switched = store.updateNodeSerials(created.spiffeId(), "12", notAfter.plusSeconds(60), "", null);
    assertThat(switched.certSerialNumber()).isEqualTo("12");
    assertThat(switched.newCertSerialNumber()).isEmpty();
    assertThat(switched.newCertNotAfter()).isNull();

    AttestedNode banned = store.banNode(created.spiffeId());
    assertThat(banned.banned()).isTrue();
    assertThat(banned.certSerialNumber()).isEmpty();
    assertThat(banned.newCertSerialNumber()).isEmpty();
    expect(Kind.CONFLICT, () -> store.updateNodeSerials(created.spiffeId(), "13", notAfter, "", null))
        .hasMessageContaining("banned");

    assertThat(store.deleteNode(created.spiffeId())).isEqualTo(banned);
    assertThat(store.fetchAttestedNode(created.spiffeId())).isEmpty();
    assertThat(store.getNodeSelectors(created.spiffeId())).isEmpty();
    expect(Kind.NOT_FOUND, () -> store.banNode(created.spiffeId()));
    expect(Kind.NOT_FOUND, () -> store.updateNodeSerials(created.spiffeId(), "1", notAfter, "", null));
  }

  @Test
  void additionalAttributesAreKeptAndUpdatedOnlyThroughTheirMaskField() {
    RegistrationEntry e = entry("/attrs", "/p", "unix:uid:1");
    RegistrationEntry created = store.createEntry(new RegistrationEntry("", e.spiffeId(), e.parentId(), e.selectors(),
        0, 0, List.of(), false, false, 0, List.of(), 0, false, "", 0, new EntryAttributes(true, true)));
    assertThat(store.fetchEntry(created.entryId()).orElseThrow().attributes()).isEqualTo(new EntryAttributes(true, true));

    RegistrationEntry cleared = created.withEntryId(created.entryId());
    cleared = new RegistrationEntry(cleared.entryId(), cleared.spiffeId(), cleared.parentId(), cleared.selectors(),
        600, 0, List.of(), false, false, 0, List.of(), 0, false, "", 0, EntryAttributes.NONE);
    assertThat(store.updateEntry(cleared, Set.of("x509_svid_ttl")).attributes()).isEqualTo(new EntryAttributes(true, true));
    assertThat(store.updateEntry(cleared, Set.of("additional_attributes")).attributes()).isEqualTo(EntryAttributes.NONE);
    assertThat(store.listAllEntries()).singleElement().satisfies(stored -> {
      assertThat(stored.attributes()).isEqualTo(EntryAttributes.NONE);
      assertThat(stored.x509SvidTtl()).isEqualTo(600);
    });
  }

  @Test
  void theReportedAgentVersionIsKeptWithTheNodeUntilItChanges() {
    store.createAttestedNode(node("/agent", "join_token", "1", START.plusSeconds(3600), "tag:a"));
    assertThat(store.fetchAttestedNode(id("/agent")).orElseThrow().agentVersion()).isEmpty();

    AttestedNode updated = store.setAgentVersion(id("/agent"), "1.15.2");

    assertThat(updated.agentVersion()).isEqualTo("1.15.2");
    assertThat(updated.selectors()).isEqualTo(selectors("tag:a"));
    assertThat(store.fetchAttestedNode(id("/agent")).orElseThrow().agentVersion()).isEqualTo("1.15.2");
    assertThat(store.updateNodeSerials(id("/agent"), "1", START.plusSeconds(3600), "2", START.plusSeconds(7200))
        .agentVersion()).isEqualTo("1.15.2");
    assertThatThrownBy(() -> store.setAgentVersion(id("/nobody"), "1.0"))
        .isInstanceOfSatisfying(DataStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
    assertThatThrownBy(() -> store.setAgentVersion(id("/agent"), "v".repeat(256)))
        .isInstanceOfSatisfying(DataStoreException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
  }

  @Test
  void nodeSelectorsAreReplacedAndIndependentOfNodes() {
    store.setNodeSelectors(id("/spire/agent/k8s_psat/c/n"), selectors("k8s_psat:cluster:c", "k8s_psat:node:n"));
    store.setNodeSelectors(id("/spire/agent/k8s_psat/c/n"), selectors("k8s_psat:cluster:c"));

    assertThat(store.getNodeSelectors(id("/spire/agent/k8s_psat/c/n"))).isEqualTo(selectors("k8s_psat:cluster:c"));
    assertThat(store.getNodeSelectors(id("/spire/agent/none"))).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"EXACT, n2", "SUBSET, n1 n2", "SUPERSET, n2 n3", "ANY, n1 n2 n3"})
  void nodeSelectorMatchBehaviours(MatchBehavior match, String expected) {
    store.createAttestedNode(node("/spire/agent/t/n1", "t", "1", START, "t:a"));
    store.createAttestedNode(node("/spire/agent/t/n2", "t", "2", START, "t:a", "t:b"));
    store.createAttestedNode(node("/spire/agent/t/n3", "t", "3", START, "t:a", "t:b", "t:c"));
    store.createAttestedNode(node("/spire/agent/t/n4", "t", "4", START, "t:d"));

    NodeFilter filter = new NodeFilter(null, null, null, null, selectors("t:b", "t:a"), match);

    assertThat(paths(store.listAttestedNodes(filter, "", 0)))
        .isEqualTo(Stream.of(expected.split(" ")).map(n -> "/spire/agent/t/" + n).toList());
  }

  @Test
  void nodeFiltersAndPaging() {
    store.createAttestedNode(node("/spire/agent/a/1", "a", "1", START.minusSeconds(5)));
    store.createAttestedNode(new AttestedNode(id("/spire/agent/b/2"), "b", "2", START.plusSeconds(5), "", null, true,
        false, List.of()));
    store.createAttestedNode(node("/spire/agent/a/3", "a", "3", START.plusSeconds(50)));
    store.banNode(id("/spire/agent/a/3"));

    assertThat(paths(store.listAttestedNodes(new NodeFilter("a", null, null, null, null, null), "", 0)))
        .containsExactly("/spire/agent/a/1", "/spire/agent/a/3");
    assertThat(paths(store.listAttestedNodes(new NodeFilter(null, true, null, null, null, null), "", 0)))
        .containsExactly("/spire/agent/a/3");
    assertThat(paths(store.listAttestedNodes(new NodeFilter(null, null, true, null, null, null), "", 0)))
        .containsExactly("/spire/agent/b/2");
    assertThat(paths(store.listAttestedNodes(new NodeFilter(null, null, null, START, null, null), "", 0)))
        .containsExactly("/spire/agent/a/1");
    assertThat(store.countAttestedNodes(NodeFilter.ALL)).isEqualTo(3);
    assertThat(store.countAttestedNodes(new NodeFilter("a", false, null, null, null, null))).isEqualTo(1);

    Page<AttestedNode> first = store.listAttestedNodes(NodeFilter.ALL, "", 2);
    Page<AttestedNode> second = store.listAttestedNodes(NodeFilter.ALL, first.nextPageToken(), 2);
    assertThat(paths(first)).containsExactly("/spire/agent/a/1", "/spire/agent/b/2");
    assertThat(paths(second)).containsExactly("/spire/agent/a/3");
    assertThat(second.last()).isTrue();
  }

  // ---- bundles

  @Test
  void bundleCrud() {
    StoredBundle own = bundle("example.org");
    assertThat(store.createBundle(own)).isEqualTo(own);
    expect(Kind.ALREADY_EXISTS, () -> store.createBundle(own)).hasMessageContaining("\"example.org\"");
    StoredBundle next = new StoredBundle("example.org", "v2".getBytes(StandardCharsets.UTF_8));
    store.setBundle(next);
    store.setBundle(bundle("aaa.example"));

    assertThat(store.fetchBundle("example.org")).contains(next);
    assertThat(store.listBundles()).extracting(StoredBundle::trustDomain).containsExactly("aaa.example", "example.org");
    store.deleteBundle("aaa.example", DeleteMode.RESTRICT);
    assertThat(store.fetchBundle("aaa.example")).isEmpty();
    expect(Kind.NOT_FOUND, () -> store.deleteBundle("aaa.example", DeleteMode.RESTRICT));
  }

  @ParameterizedTest
  @CsvSource({"RESTRICT", "DELETE", "DISSOCIATE"})
  void deletingAFederatedBundle(DeleteMode mode) {
    store.createBundle(bundle("fed.example"));
    store.createBundle(bundle("other.example"));
    RegistrationEntry federated = createFederated("F", "fed.example", "other.example");
    RegistrationEntry plain = createFederated("P");

    if (mode == DeleteMode.RESTRICT) {
      expect(Kind.IN_USE, () -> store.deleteBundle("fed.example", mode)).hasMessageContaining("1 registration");
      assertThat(store.fetchBundle("fed.example")).isPresent();
      return;
    }
    store.deleteBundle("fed.example", mode);

    assertThat(store.fetchBundle("fed.example")).isEmpty();
    assertThat(store.fetchEntry(plain.entryId())).contains(plain);
    if (mode == DeleteMode.DELETE) {
      assertThat(store.fetchEntry(federated.entryId())).isEmpty();
    } else {
      RegistrationEntry kept = store.fetchEntry(federated.entryId()).orElseThrow();
      assertThat(kept.federatesWith()).containsExactly("other.example");
      assertThat(kept.revisionNumber()).isEqualTo(1);
    }
  }

  // ---- CA journal and federation relationships

  @Test
  void caJournalIsReplacedByName() {
    assertThat(store.fetchCaJournal("x509")).isEmpty();
    store.setCaJournal("x509", new byte[] {1, 2});
    store.setCaJournal("x509", new byte[] {3});

    assertThat(store.fetchCaJournal("x509")).hasValueSatisfying(b -> assertThat(b).containsExactly(3));
  }

  @Test
  void federationRelationshipCrud() {
    FederationRelationship web = new FederationRelationship("web.example", URI.create("https://web.example/bundle"),
        FederationRelationship.HTTPS_WEB, null);
    FederationRelationship spiffe = new FederationRelationship("sp.example", URI.create("https://sp.example:8443"),
        FederationRelationship.HTTPS_SPIFFE, dev.signet.common.spiffe.SpiffeId.parse("spiffe://sp.example/spire/server"));
    store.createFederationRelationship(web);
    store.createFederationRelationship(spiffe);
    expect(Kind.ALREADY_EXISTS, () -> store.createFederationRelationship(web));

    FederationRelationship moved = new FederationRelationship("web.example", URI.create("https://new.example/b"),
        FederationRelationship.HTTPS_WEB, null);
    store.updateFederationRelationship(moved);

    assertThat(store.listFederationRelationships()).containsExactly(spiffe, moved);
    store.deleteFederationRelationship("web.example");
    assertThat(store.fetchFederationRelationship("web.example")).isEmpty();
    expect(Kind.NOT_FOUND, () -> store.deleteFederationRelationship("web.example"));
    expect(Kind.NOT_FOUND, () -> store.updateFederationRelationship(moved));
  }

  // ---- change events

  @Test
  void everyWriteAppendsItsEventAndFailedWritesAppendNone() {
    assertThat(store.latestEventId()).isZero();
    store.createBundle(bundle("fed.example"));
    RegistrationEntry e = store.createEntry(entry("/a", "/p", "unix:uid:1"));
    store.updateEntry(e, Set.of("hint"));
    store.createAttestedNode(node("/spire/agent/t/n", "t", "1", START));
    store.setNodeSelectors(id("/spire/agent/t/n"), selectors("t:x"));
    store.updateNodeSerials(id("/spire/agent/t/n"), "2", START, "", null);
    store.banNode(id("/spire/agent/t/n"));
    store.createJoinToken(new JoinToken("secret-token", START.plusSeconds(5)));
    store.consumeJoinToken("secret-token");
    store.setCaJournal("j", new byte[] {1});
    store.deleteEntry(e.entryId());
    store.deleteNode(id("/spire/agent/t/n"));
    long before = store.latestEventId();
    expect(Kind.NOT_FOUND, () -> store.deleteEntry(e.entryId()));
    store.consumeJoinToken("secret-token");

    List<ChangeEvent> events = store.listEvents(0, 100);
    assertThat(events).extracting(ChangeEvent::kind).containsExactly(ChangeEvent.Kind.BUNDLE, ChangeEvent.Kind.ENTRY,
        ChangeEvent.Kind.ENTRY, ChangeEvent.Kind.NODE, ChangeEvent.Kind.NODE, ChangeEvent.Kind.NODE,
        ChangeEvent.Kind.NODE, ChangeEvent.Kind.JOIN_TOKEN, ChangeEvent.Kind.JOIN_TOKEN, ChangeEvent.Kind.CA_JOURNAL,
        ChangeEvent.Kind.ENTRY, ChangeEvent.Kind.NODE);
    assertThat(events).extracting(ChangeEvent::id).containsExactly(longs(1, 12));
    assertThat(events.get(1).key()).isEqualTo(e.entryId());
    assertThat(events.get(3).key()).isEqualTo("spiffe://example.org/spire/agent/t/n");
    assertThat(events).allSatisfy(ev -> assertThat(ev.key()).doesNotContain("secret-token"));
    assertThat(events.getFirst().at()).isEqualTo(START);
    assertThat(before).isEqualTo(12);
    assertThat(store.latestEventId()).isEqualTo(12);
    assertThat(store.listEvents(10, 1)).extracting(ChangeEvent::id).containsExactly(11L);
  }

  @Test
  void concurrentWritersProduceAGaplessEventLog() throws Exception {
    concurrently(16, i -> {
      for (int j = 0; j < 10; j++) {
        store.createEntry(entry("/w" + i + "-" + j, "/p", "unix:uid:1"));
      }
      return null;
    });

    List<ChangeEvent> events = store.listEvents(0, 1000);
    assertThat(events).extracting(ChangeEvent::id).containsExactly(longs(1, 160));
    assertThat(events).extracting(ChangeEvent::key).doesNotHaveDuplicates();
    clock.advance(Duration.ofDays(1));
    store.setCaJournal("j", new byte[] {1});
    assertThat(store.pruneEvents(START.plusSeconds(1))).isEqualTo(160);
    assertThat(store.listEvents(0, 10)).extracting(ChangeEvent::id).containsExactly(161L);
  }

  @Test
  void healthy() {
    assertThat(store.healthy()).isTrue();
  }

  // ---- helpers

  protected static StoredBundle bundle(String trustDomain) {
    return new StoredBundle(trustDomain, ("bundle of " + trustDomain).getBytes(StandardCharsets.UTF_8));
  }

  private RegistrationEntry createFederated(String name, String... trustDomains) {
    return store.createEntry(new RegistrationEntry(name, id("/" + name), id("/p"), selectors("unix:uid:1"), 0, 0,
        List.of(trustDomains), false, false, 0, List.of(), 0, false, "", 0));
  }

  private static List<String> ids(Page<RegistrationEntry> page) {
    return page.items().stream().map(RegistrationEntry::entryId).toList();
  }

  private static List<String> paths(Page<AttestedNode> page) {
    return page.items().stream().map(n -> n.spiffeId().path()).toList();
  }

  private static Long[] longs(long from, long to) {
    return java.util.stream.LongStream.rangeClosed(from, to).boxed().toArray(Long[]::new);
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> expect(Kind kind,
      ThrowingCallable call) {
    return assertThatThrownBy(call).isInstanceOfSatisfying(DataStoreException.class,
        e -> assertThat(e.kind()).as(e.getMessage()).isEqualTo(kind));
  }

  /** Runs {@code task(0..n-1)} on n threads released together; rethrows the first failure. */
  protected static <T> List<T> concurrently(int n, Function<Integer, T> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        Callable<T> call = () -> {
          ready.countDown();
          go.await();
          return task.apply(index);
        };
        futures.add(pool.submit(call));
      }
      ready.await();
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(120, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
