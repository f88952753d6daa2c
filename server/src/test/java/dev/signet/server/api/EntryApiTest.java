package dev.signet.server.api;

import static dev.signet.server.api.ServerFixture.TD;
import static dev.signet.server.api.ServerFixture.entry;
import static dev.signet.server.api.ServerFixture.id;
import static dev.signet.server.api.ServerFixture.selector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.BoolValue;
import com.google.protobuf.StringValue;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.CountEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.GetEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.EntryMask;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.spire.api.types.SelectorMatch;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Entry API over the admin socket: validation, duplicates, listing, updates and deletes. */
class EntryApiTest extends SharedServerTest {
  private static final SpiffeId PARENT = TD.id("/spire/agent/join_token/entry-api");
  private static final SpiffeId VALIDATION_PARENT = TD.id("/spire/agent/join_token/entry-validation");

  private BatchCreateEntryResponse create(Entry.Builder... entries) {
    BatchCreateEntryRequest.Builder request = BatchCreateEntryRequest.newBuilder();
    for (Entry.Builder e : entries) {
      request.addEntries(e);
    }
    return fixture.adminEntries().batchCreateEntry(request.build());
  }

  @Test
  void invalidEntriesAreRefusedPerItemWithoutBlockingTheValidOne() {
    BatchCreateEntryResponse response = create(
        entry("/ev/no-selectors", VALIDATION_PARENT).clearSelectors(),
        entry("/ev/bad-id", VALIDATION_PARENT).setSpiffeId(SPIFFEID.newBuilder().setTrustDomain("example.org")
            .setPath("no-leading-slash")),
        entry("/ev/foreign", VALIDATION_PARENT).setSpiffeId(SPIFFEID.newBuilder().setTrustDomain("other.org").setPath("/x")),
        entry("/ev/negative-ttl", VALIDATION_PARENT).setX509SvidTtl(-1),
        entry("/ev/negative-jwt-ttl", VALIDATION_PARENT).setJwtSvidTtl(-5),
        entry("/spire/agent/join_token/impostor", VALIDATION_PARENT),
        entry("/spire", VALIDATION_PARENT),
        entry("/ev/td-id", VALIDATION_PARENT).setSpiffeId(id("")),
        entry("/ev/no-parent", VALIDATION_PARENT).clearParentId(),
        entry("/ev/bad-selector", VALIDATION_PARENT).clearSelectors().addSelectors(selector("unix:uid", "1000")),
        entry("/ev/bad-dns", VALIDATION_PARENT).addDnsNames("not a dns name"),
        entry("/ev/valid", VALIDATION_PARENT));

    List<Integer> codes = response.getResultsList().stream().map(r -> r.getStatus().getCode()).toList();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      expected.add(Status.Code.INVALID_ARGUMENT.value());
    }
    expected.add(0);
    assertThat(codes).containsExactlyElementsOf(expected);
    assertThat(response.getResults(0).getStatus().getMessage()).contains("selector");
    assertThat(response.getResults(2).getStatus().getMessage()).contains("other.org");
    assertThat(response.getResults(11).getEntry().getId()).isNotEmpty();
    assertThat(fixture.adminEntries().countEntries(CountEntriesRequest.newBuilder()
        .setFilter(CountEntriesRequest.Filter.newBuilder().setByParentId(id(VALIDATION_PARENT))).build()).getCount())
        .isEqualTo(1);
  }

  @Test
  void aBatchAnswersEachItemInOrderWhereverItFailed() {
    BatchCreateEntryResponse response = create(
        entry("/order/a", PARENT),
        entry("/order/no-selectors", PARENT).clearSelectors(), // refused before the datastore
        entry("/order/a", PARENT), // refused by the datastore: a twin of the first
        entry("/order/b", PARENT));

    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(0,
        Status.Code.INVALID_ARGUMENT.value(), Status.Code.ALREADY_EXISTS.value(), 0);
    assertThat(response.getResults(0).getEntry().getSpiffeId().getPath()).isEqualTo("/order/a");
    assertThat(response.getResults(1).hasEntry()).isFalse();
    assertThat(response.getResults(2).hasEntry()).isFalse();
    assertThat(response.getResults(3).getEntry().getSpiffeId().getPath()).isEqualTo("/order/b");
    assertThat(response.getResults(2).getStatus().getMessage()).contains(response.getResults(0).getEntry().getId());
  }

  @Test
  void aDuplicateEntryIsAlreadyExists() {
    Entry first = fixture.createEntry(entry("/dup/web", PARENT).build());
    BatchCreateEntryResponse response = create(entry("/dup/web", PARENT));
    assertThat(response.getResults(0).getStatus().getCode()).isEqualTo(Status.Code.ALREADY_EXISTS.value());
    assertThat(first.getId()).isNotEmpty();
  }

  @Test
  void listEntriesPagesAndFilters() {
    SpiffeId parent = TD.id("/list/parent");
    List<String> created = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      created.add(fixture.createEntry(entry("/list/w" + i, parent).clearSelectors()
          .addSelectors(selector("unix", "uid:" + (2000 + i))).addSelectors(selector("unix", "gid:50"))
          .setHint(i == 3 ? "three" : "").build()).getId());
    }
    ListEntriesRequest.Filter byParent = ListEntriesRequest.Filter.newBuilder().setByParentId(id(parent)).build();

    List<String> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      ListEntriesResponse page = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder()
          .setFilter(byParent).setPageSize(2).setPageToken(token).build());
      assertThat(page.getEntriesCount()).isLessThanOrEqualTo(2);
      page.getEntriesList().forEach(e -> seen.add(e.getId()));
      token = page.getNextPageToken();
      pages++;
    } while (!token.isEmpty() && pages < 10);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(created);
    assertThat(pages).isBetween(3, 4);

    var bySelector = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setFilter(
        ListEntriesRequest.Filter.newBuilder().setBySelectors(SelectorMatch.newBuilder()
            .addSelectors(selector("unix", "uid:2002")).addSelectors(selector("unix", "gid:50"))
            .setMatch(SelectorMatch.MatchBehavior.MATCH_EXACT))).build()).getEntriesList();
    assertThat(bySelector).extracting(Entry::getId).containsExactly(created.get(2));

    var bySuperset = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setFilter(
        ListEntriesRequest.Filter.newBuilder().setBySelectors(SelectorMatch.newBuilder()
            .addSelectors(selector("unix", "gid:50")).setMatch(SelectorMatch.MatchBehavior.MATCH_SUPERSET)))
        .build()).getEntriesList();
    assertThat(bySuperset).extracting(Entry::getId).containsExactlyInAnyOrderElementsOf(created);

    var byHint = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setFilter(
        ListEntriesRequest.Filter.newBuilder().setByHint(StringValue.of("three"))).build()).getEntriesList();
    assertThat(byHint).extracting(Entry::getId).containsExactly(created.get(3));

    var bySpiffeId = fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setFilter(
        ListEntriesRequest.Filter.newBuilder().setBySpiffeId(id("/list/w4"))).build()).getEntriesList();
    assertThat(bySpiffeId).extracting(Entry::getId).containsExactly(created.get(4));

    assertThat(fixture.adminEntries().countEntries(CountEntriesRequest.newBuilder().setFilter(
        CountEntriesRequest.Filter.newBuilder().setByParentId(id(parent))).build()).getCount()).isEqualTo(5);

    assertThatThrownBy(() -> fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setPageSize(-1)
        .build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
  }

  @Test
  void entriesComeBackWithTheirSelectorsSortedByTypeThenValueAsSpireReturnsThem() {
    Entry created = create(entry("/sorted/web", PARENT).clearSelectors().addSelectors(selector("unix", "uid:7"))
        .addSelectors(selector("unix", "gid:7")).addSelectors(selector("docker", "label:app:web")))
        .getResults(0).getEntry();

    List<String> expected = List.of("docker:label:app:web", "unix:gid:7", "unix:uid:7");
    assertThat(created.getSelectorsList()).extracting(s -> s.getType() + ":" + s.getValue())
        .containsExactlyElementsOf(expected);
    assertThat(fixture.adminEntries().getEntry(GetEntryRequest.newBuilder().setId(created.getId()).build())
        .getSelectorsList()).extracting(s -> s.getType() + ":" + s.getValue()).containsExactlyElementsOf(expected);
  }

  @Test
  void byDownstreamFalseFiltersNothingAndTrueKeepsOnlyDownstreamEntries() {
    SpiffeId parent = TD.id("/downstream/parent");
    String plain = fixture.createEntry(entry("/downstream/plain", parent).build()).getId();
    String downstream = fixture.createEntry(entry("/downstream/ds", parent).setDownstream(true).build()).getId();

    assertThat(list(ListEntriesRequest.Filter.newBuilder().setByParentId(id(parent))
        .setByDownstream(BoolValue.of(false)))).as("spire-server entry show sends false without -downstream")
        .containsExactlyInAnyOrder(plain, downstream);
    assertThat(list(ListEntriesRequest.Filter.newBuilder().setByParentId(id(parent))
        .setByDownstream(BoolValue.of(true)))).containsExactly(downstream);
  }

  private List<String> list(ListEntriesRequest.Filter.Builder filter) {
    return fixture.adminEntries().listEntries(ListEntriesRequest.newBuilder().setFilter(filter).build())
        .getEntriesList().stream().map(Entry::getId).toList();
  }

  @Test
  void batchUpdateEntryChangesOnlyTheMaskedFields() {
    Entry original = fixture.createEntry(entry("/upd/web", PARENT).setX509SvidTtl(300).setHint("before")
        .addDnsNames("web.example.org").build());

    BatchUpdateEntryResponse response = fixture.adminEntries().batchUpdateEntry(BatchUpdateEntryRequest.newBuilder()
        .addEntries(Entry.newBuilder().setId(original.getId()).setX509SvidTtl(900).setHint("after")
            .setSpiffeId(id("/upd/ignored")))
        .setInputMask(EntryMask.newBuilder().setX509SvidTtl(true))
        .build());

    assertThat(response.getResults(0).getStatus().getCode()).isZero();
    Entry stored = fixture.adminEntries().getEntry(GetEntryRequest.newBuilder().setId(original.getId()).build());
    assertThat(stored.getX509SvidTtl()).isEqualTo(900);
    assertThat(stored.getHint()).isEqualTo("before");
    assertThat(stored.getSpiffeId()).isEqualTo(id("/upd/web"));
    assertThat(stored.getDnsNamesList()).containsExactly("web.example.org");
    assertThat(stored.getSelectorsList()).isEqualTo(original.getSelectorsList());
    assertThat(stored.getRevisionNumber()).isGreaterThan(original.getRevisionNumber());

    BatchUpdateEntryResponse invalid = fixture.adminEntries().batchUpdateEntry(BatchUpdateEntryRequest.newBuilder()
        .addEntries(Entry.newBuilder().setId(original.getId()))
        .addEntries(Entry.newBuilder().setId("no-such-entry").setHint("x"))
        .addEntries(Entry.newBuilder().setHint("no id"))
        .setInputMask(EntryMask.newBuilder().setSelectors(true))
        .build());
    assertThat(invalid.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(
        Status.Code.INVALID_ARGUMENT.value(), Status.Code.NOT_FOUND.value(), Status.Code.INVALID_ARGUMENT.value());
    assertThat(fixture.adminEntries().getEntry(GetEntryRequest.newBuilder().setId(original.getId()).build())
        .getSelectorsList()).as("a refused update leaves the entry alone").isEqualTo(original.getSelectorsList());
  }

  @Test
  void batchDeleteEntryAnswersPerId() {
    Entry doomed = fixture.createEntry(entry("/del/web", PARENT).build());

    BatchDeleteEntryResponse response = fixture.adminEntries().batchDeleteEntry(BatchDeleteEntryRequest.newBuilder()
        .addIds(doomed.getId()).addIds("no-such-entry").addIds("").build());

    assertThat(response.getResultsList()).extracting(r -> r.getStatus().getCode()).containsExactly(
        0, Status.Code.NOT_FOUND.value(), Status.Code.INVALID_ARGUMENT.value());
    assertThat(response.getResults(1).getId()).isEqualTo("no-such-entry");
    assertThatThrownBy(() -> fixture.adminEntries().getEntry(GetEntryRequest.newBuilder().setId(doomed.getId())
        .build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
