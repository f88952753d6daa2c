package dev.signet.server.api.entry;

import dev.signet.common.logging.LogFields;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.ItemOutcome;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryResponse;
import dev.signet.proto.spire.api.server.entry.v1.CountEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.CountEntriesResponse;
import dev.signet.proto.spire.api.server.entry.v1.EntryGrpc;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesResponse;
import dev.signet.proto.spire.api.server.entry.v1.GetEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesResponse;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.server.api.ApiErrors;
import dev.signet.server.api.BatchItems;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.Paging;
import dev.signet.server.api.Unary;
import dev.signet.server.api.convert.EntryConverter;
import dev.signet.server.authz.AuthorizationInterceptor;
import dev.signet.server.entrycache.EntryCache;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@code spire.api.server.entry.v1.Entry}: registration entry management and the authorized-entries
 * views agents sync from. Batch RPCs answer per item; one bad item never blocks the others and never
 * leaves a partial write.
 */
public final class EntryService extends EntryGrpc.EntryImplBase {
  private static final MethodDescriptor<?, ?> METHOD = EntryGrpc.getBatchCreateEntryMethod();

  private final TrustDomain trustDomain;
  private final DataStore dataStore;
  private final EntryCache cache;
  private final Clock clock;

  public EntryService(TrustDomain trustDomain, DataStore dataStore, EntryCache cache, Clock clock) {
    this.trustDomain = trustDomain;
    this.dataStore = dataStore;
    this.cache = cache;
    this.clock = clock;
  }

  @Override
  public void countEntries(CountEntriesRequest request, StreamObserver<CountEntriesResponse> out) {
    EntryFilter filter = request.hasFilter() ? EntryFilters.fromProto(request.getFilter()) : EntryFilter.ALL;
    long count = ApiErrors.call(() -> dataStore.countEntries(filter));
    Unary.reply(out, CountEntriesResponse.newBuilder().setCount((int) count).build());
  }

  @Override
  public void listEntries(ListEntriesRequest request, StreamObserver<ListEntriesResponse> out) {
    EntryFilter filter = request.hasFilter() ? EntryFilters.fromProto(request.getFilter()) : EntryFilter.ALL;
    int pageSize = Paging.pageSize(request.getPageSize());
    Page<RegistrationEntry> page = ApiErrors.call(() -> dataStore.listEntries(filter, request.getPageToken(), pageSize));
    ListEntriesResponse.Builder response = ListEntriesResponse.newBuilder().setNextPageToken(page.nextPageToken());
    page.items().forEach(e -> response.addEntries(EntryConverter.toProto(e)));
    Unary.reply(out, response.build());
  }

  @Override
  public void getEntry(GetEntryRequest request, StreamObserver<Entry> out) {
    if (request.getId().isEmpty()) {
      throw InputValidation.invalid("missing id");
    }
    RegistrationEntry entry = ApiErrors.call(() -> dataStore.fetchEntry(request.getId())).orElseThrow(() ->
        Status.NOT_FOUND.withDescription("entry \"" + request.getId() + "\" not found").asRuntimeException());
    Unary.reply(out, EntryConverter.toProto(entry));
  }

  /**
   * Converts each entry on its own (a malformed one fails alone), then stores the valid ones in one transaction
   * ({@link DataStore#createEntries}): one durable commit for the batch instead of one per entry. A failure of the
   * transaction itself fails every entry it held, each with its own status, as SPIRE reports per item.
   */
  @Override
  public void batchCreateEntry(BatchCreateEntryRequest request, StreamObserver<BatchCreateEntryResponse> out) {
    Paging.checkBatch("entries", request.getEntriesCount());
    List<Entry> protos = request.getEntriesList();
    var statuses = new dev.signet.proto.spire.api.types.Status[protos.size()];
    List<Integer> valid = new ArrayList<>();
    List<RegistrationEntry> toCreate = new ArrayList<>();
    for (int i = 0; i < protos.size(); i++) {
      Entry proto = protos.get(i);
      RegistrationEntry[] converted = new RegistrationEntry[1];
      statuses[i] = BatchItems.run(METHOD, LogFields.ENTRY_ID, proto.getId(),
          () -> converted[0] = EntryConverter.fromProto(proto, trustDomain));
      if (converted[0] != null) {
        valid.add(i);
        toCreate.add(converted[0]);
      }
    }
    List<ItemOutcome<RegistrationEntry>> outcomes = created(toCreate);
    RegistrationEntry[] stored = new RegistrationEntry[protos.size()];
    for (int k = 0; k < valid.size(); k++) {
      int i = valid.get(k);
      ItemOutcome<RegistrationEntry> outcome = outcomes.get(k);
      statuses[i] = BatchItems.run(METHOD, LogFields.ENTRY_ID, protos.get(i).getId(), () -> {
        if (outcome.failure() != null) {
          throw outcome.failure();
        }
        stored[i] = outcome.stored();
      });
    }
    BatchCreateEntryResponse.Builder response = BatchCreateEntryResponse.newBuilder();
    for (int i = 0; i < protos.size(); i++) {
      var result = response.addResultsBuilder().setStatus(statuses[i]);
      if (stored[i] != null) {
        result.setEntry(EntryConverter.toProto(stored[i]));
      }
    }
    if (Arrays.stream(stored).anyMatch(Objects::nonNull)) {
      cache.refresh();
    }
    Unary.reply(out, response.build());
  }

  /** The outcomes of storing {@code entries}; a failed transaction is every entry's failure. */
  private List<ItemOutcome<RegistrationEntry>> created(List<RegistrationEntry> entries) {
    if (entries.isEmpty()) {
      return List.of();
    }
    try {
      return dataStore.createEntries(entries);
    } catch (DataStoreException e) {
      return Collections.nCopies(entries.size(), ItemOutcome.failed(e));
    }
  }

  @Override
  public void batchUpdateEntry(BatchUpdateEntryRequest request, StreamObserver<BatchUpdateEntryResponse> out) {
    Paging.checkBatch("entries", request.getEntriesCount());
    Set<String> mask = request.hasInputMask() ? EntryMasks.fieldNames(request.getInputMask()) : EntryMasks.ALL_FIELDS;
    BatchUpdateEntryResponse.Builder response = BatchUpdateEntryResponse.newBuilder();
    boolean changed = false;
    for (Entry proto : request.getEntriesList()) {
      var result = BatchUpdateEntryResponse.Result.newBuilder();
      result.setStatus(BatchItems.run(EntryGrpc.getBatchUpdateEntryMethod(), LogFields.ENTRY_ID, proto.getId(), () -> {
        if (proto.getId().isEmpty()) {
          throw InputValidation.invalid("missing entry id");
        }
        RegistrationEntry existing = ApiErrors.call(() -> dataStore.fetchEntry(proto.getId())).orElseThrow(() ->
            Status.NOT_FOUND.withDescription("entry \"" + proto.getId() + "\" not found").asRuntimeException());
        Entry merged = EntryMasks.merge(EntryConverter.toProto(existing), proto, mask);
        RegistrationEntry updated = ApiErrors.call(() ->
            dataStore.updateEntry(EntryConverter.fromProto(merged, trustDomain), mask));
        result.setEntry(EntryConverter.toProto(updated));
      }));
      changed |= BatchItems.succeeded(result.getStatus());
      response.addResults(result);
    }
    if (changed) {
      cache.refresh();
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void batchDeleteEntry(BatchDeleteEntryRequest request, StreamObserver<BatchDeleteEntryResponse> out) {
    Paging.checkBatch("entry ids", request.getIdsCount());
    BatchDeleteEntryResponse.Builder response = BatchDeleteEntryResponse.newBuilder();
    boolean changed = false;
    for (String id : request.getIdsList()) {
      var result = BatchDeleteEntryResponse.Result.newBuilder().setId(id);
      result.setStatus(BatchItems.run(EntryGrpc.getBatchDeleteEntryMethod(), LogFields.ENTRY_ID, id, () -> {
        if (id.isEmpty()) {
          throw InputValidation.invalid("missing entry id");
        }
        ApiErrors.call(() -> dataStore.deleteEntry(id));
      }));
      changed |= BatchItems.succeeded(result.getStatus());
      response.addResults(result);
    }
    if (changed) {
      cache.refresh();
    }
    Unary.reply(out, response.build());
  }

  @Override
  public void getAuthorizedEntries(GetAuthorizedEntriesRequest request, StreamObserver<GetAuthorizedEntriesResponse> out) {
    GetAuthorizedEntriesResponse.Builder response = GetAuthorizedEntriesResponse.newBuilder();
    authorizedForCaller().forEach(e -> response.addEntries(EntryConverter.toProto(e)));
    Unary.reply(out, response.build());
  }

  @Override
  public StreamObserver<SyncAuthorizedEntriesRequest> syncAuthorizedEntries(StreamObserver<SyncAuthorizedEntriesResponse> out) {
    return new SyncAuthorizedEntriesCall(authorizedForCaller(), out);
  }

  /** Entries the calling agent (or downstream server) may mint SVIDs for. */
  private List<RegistrationEntry> authorizedForCaller() {
    AttestedNode node = AuthorizationInterceptor.AGENT_NODE.get();
    if (node == null) {
      throw Status.PERMISSION_DENIED.withDescription("caller is not an agent").asRuntimeException();
    }
    List<Selector> selectors = ApiErrors.call(() -> dataStore.getNodeSelectors(node.spiffeId()));
    return cache.index().authorizedFor(node.spiffeId(), selectors, clock.instant());
  }
}
