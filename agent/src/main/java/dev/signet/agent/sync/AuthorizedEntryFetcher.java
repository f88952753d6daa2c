package dev.signet.agent.sync;

import dev.signet.common.grpc.QueueingObserver;
import dev.signet.common.proto.ProtoConversionException;
import dev.signet.proto.spire.api.server.entry.v1.EntryRevision;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.EntryMask;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the entries the agent is authorized for, as SPIRE's agent does: over the
 * {@code SyncAuthorizedEntries} stream, where the server either sends every entry (small sets) or first
 * the (id, revision, created_at) of every entry, paged with {@code more}, after which the agent asks in
 * full, by {@code ids} and in pages of the same size, only for the entries that are new or whose revision
 * or creation time changed since it last saw them. A server without the stream (an older or minimal SPIRE
 * server) answers UNIMPLEMENTED: the agent then uses {@code GetAuthorizedEntries} for good.
 *
 * <p>Entries that are not workload identities (no selectors: node aliases, downstream entries) and
 * entries the agent cannot read are remembered by revision too, so they are not fetched again on every
 * sync. Not thread-safe: the {@link EntrySynchronizer} calls it under its own lock.
 */
final class AuthorizedEntryFetcher {
  private static final Logger LOG = LoggerFactory.getLogger(AuthorizedEntryFetcher.class);
  /** What the agent reads of an entry; the rest is left out of the stream. */
  static final EntryMask OUTPUT_MASK = EntryMask.newBuilder().setSpiffeId(true).setParentId(true).setSelectors(true)
      .setX509SvidTtl(true).setFederatesWith(true).setAdmin(true).setDownstream(true).setExpiresAt(true)
      .setDnsNames(true).setRevisionNumber(true).setStoreSvid(true).setJwtSvidTtl(true).setHint(true)
      .setCreatedAt(true).build();

  /** An entry as last seen; {@code entry} is null when it is not a workload identity the agent can use. */
  private record Known(long revision, long createdAt, AuthorizedEntry entry) {}

  private final ServerApi api;
  private Map<String, Known> known = Map.of();
  private volatile boolean syncStreamUnsupported;
  private int lastFullyFetched;

  AuthorizedEntryFetcher(ServerApi api) {
    this.api = api;
  }

  /** The usable workload entries, in the order the server listed them. */
  List<AuthorizedEntry> fetch() {
    if (!syncStreamUnsupported) {
      try {
        return viaSyncStream();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
          throw e;
        }
        syncStreamUnsupported = true;
        LOG.info("server does not implement SyncAuthorizedEntries; using GetAuthorizedEntries from now on");
      }
    }
    return viaGetAuthorizedEntries();
  }

  /** False once the server answered UNIMPLEMENTED to SyncAuthorizedEntries. */
  boolean usesSyncStream() {
    return !syncStreamUnsupported;
  }

  /** How many entries the last fetch received in full (the rest were known by revision). */
  int lastFullyFetched() {
    return lastFullyFetched;
  }

  private List<AuthorizedEntry> viaGetAuthorizedEntries() {
    List<Entry> entries = api.entries().getAuthorizedEntries(GetAuthorizedEntriesRequest.newBuilder()
        .setOutputMask(OUTPUT_MASK).build()).getEntriesList();
    Map<String, Known> next = new LinkedHashMap<>();
    for (Entry entry : entries) {
      next.put(entry.getId(), read(entry));
    }
    lastFullyFetched = entries.size();
    return remember(next);
  }

  private List<AuthorizedEntry> viaSyncStream() {
    BlockingStream stream = new BlockingStream(api);
    try {
      stream.send(SyncAuthorizedEntriesRequest.newBuilder().setOutputMask(OUTPUT_MASK).build());
      SyncAuthorizedEntriesResponse page = stream.receive();
      Map<String, Known> next = new LinkedHashMap<>();
      if (page.getEntryRevisionsCount() == 0) {
        // The whole set, without revisions first.
        int received = 0;
        while (true) {
          for (Entry entry : page.getEntriesList()) {
            next.put(entry.getId(), read(entry));
          }
          received += page.getEntriesCount();
          if (!page.getMore()) {
            break;
          }
          page = stream.receive();
        }
        lastFullyFetched = received;
        return remember(next);
      }
      int pageSize = page.getEntryRevisionsCount();
      List<String> order = new ArrayList<>();
      List<String> wanted = new ArrayList<>();
      Set<String> wantedIds = new HashSet<>();
      while (true) {
        for (EntryRevision revision : page.getEntryRevisionsList()) {
          order.add(revision.getId());
          Known seen = known.get(revision.getId());
          if (seen == null || seen.revision() != revision.getRevisionNumber()
              || seen.createdAt() != revision.getCreatedAt()) {
            if (wantedIds.add(revision.getId())) {
              wanted.add(revision.getId());
            }
          }
        }
        if (!page.getMore()) {
          break;
        }
        page = stream.receive();
      }
      Map<String, Known> fetched = new HashMap<>();
      for (int from = 0; from < wanted.size(); from += pageSize) {
        stream.send(SyncAuthorizedEntriesRequest.newBuilder().setOutputMask(OUTPUT_MASK)
            .addAllIds(wanted.subList(from, Math.min(wanted.size(), from + pageSize))).build());
        do {
          page = stream.receive();
          for (Entry entry : page.getEntriesList()) {
            fetched.put(entry.getId(), read(entry));
          }
        } while (page.getMore());
      }
      for (String id : order) {
        Known entry = fetched.containsKey(id) ? fetched.get(id) : wantedIds.contains(id) ? null : known.get(id);
        if (entry != null) { // an entry asked for but not sent was deleted in between
          next.put(id, entry);
        }
      }
      lastFullyFetched = fetched.size();
      return remember(next);
    } finally {
      stream.closeSend();
    }
  }

  private List<AuthorizedEntry> remember(Map<String, Known> next) {
    known = next;
    List<AuthorizedEntry> usable = new ArrayList<>(next.size());
    for (Known entry : next.values()) {
      if (entry.entry() != null) {
        usable.add(entry.entry());
      }
    }
    return usable;
  }

  private static Known read(Entry entry) {
    if (entry.getSelectorsCount() == 0) {
      return new Known(entry.getRevisionNumber(), entry.getCreatedAt(), null); // node alias or downstream entry
    }
    try {
      return new Known(entry.getRevisionNumber(), entry.getCreatedAt(), AuthorizedEntry.fromProto(entry));
    } catch (ProtoConversionException e) {
      LOG.warn("ignoring authorized entry {}: {}", entry.getId(), e.getMessage());
      return new Known(entry.getRevisionNumber(), entry.getCreatedAt(), null);
    }
  }

  /** The bidi stream driven synchronously by the sync thread; responses are queued by gRPC's thread. */
  private static final class BlockingStream {
    private static final Object COMPLETED = new Object();
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final StreamObserver<SyncAuthorizedEntriesRequest> requests;
    private final long timeoutMillis;
    private boolean sendClosed;

    BlockingStream(ServerApi api) {
      this.timeoutMillis = api.deadline().toMillis() + 1_000; // the call's own deadline fires first
      this.requests = api.entriesAsync().syncAuthorizedEntries(new QueueingObserver<>(events, COMPLETED));
    }

    void send(SyncAuthorizedEntriesRequest request) {
      requests.onNext(request);
    }

    SyncAuthorizedEntriesResponse receive() {
      Object event;
      try {
        event = events.poll(timeoutMillis, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel("interrupted");
        throw Status.CANCELLED.withDescription("sync interrupted").withCause(e).asRuntimeException();
      }
      if (event instanceof SyncAuthorizedEntriesResponse response) {
        return response;
      }
      if (event instanceof Throwable error) {
        sendClosed = true;
        // Keep the trailers: PermissionDeniedDetails (banned, must re-attest) travel in them.
        throw new StatusRuntimeException(Status.fromThrowable(error), Status.trailersFromThrowable(error));
      }
      if (event == COMPLETED) {
        sendClosed = true;
        throw Status.INTERNAL.withDescription("server ended SyncAuthorizedEntries before sending every page")
            .asRuntimeException();
      }
      cancel("no response in time");
      throw Status.DEADLINE_EXCEEDED.withDescription("no SyncAuthorizedEntries response within " + timeoutMillis
          + " ms").asRuntimeException();
    }

    void closeSend() {
      if (!sendClosed) {
        sendClosed = true;
        requests.onCompleted();
      }
    }

    private void cancel(String why) {
      sendClosed = true;
      requests.onError(Status.CANCELLED.withDescription(why).asRuntimeException());
    }
  }
}
