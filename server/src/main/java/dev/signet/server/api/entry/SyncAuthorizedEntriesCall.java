package dev.signet.server.api.entry;

import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.server.entry.v1.EntryRevision;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.SyncAuthorizedEntriesResponse;
import dev.signet.server.api.convert.EntryConverter;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One SyncAuthorizedEntries stream. Small result sets are sent whole; large ones are sent as
 * (id, revision) pairs first, and the agent then asks only for the entries it lacks or has stale,
 * so a resync after a small change costs little.
 */
final class SyncAuthorizedEntriesCall implements StreamObserver<SyncAuthorizedEntriesRequest> {
  static final int PAGE_SIZE = 1000;

  private final Map<String, RegistrationEntry> authorized = new HashMap<>();
  private final List<RegistrationEntry> ordered;
  private final StreamObserver<SyncAuthorizedEntriesResponse> out;
  private boolean first = true;
  private boolean completed;

  SyncAuthorizedEntriesCall(List<RegistrationEntry> authorized, StreamObserver<SyncAuthorizedEntriesResponse> out) {
    this.ordered = List.copyOf(authorized);
    this.out = out;
    authorized.forEach(e -> this.authorized.put(e.entryId(), e));
  }

  @Override
  public void onNext(SyncAuthorizedEntriesRequest request) {
    if (completed) {
      return;
    }
    if (first) {
      first = false;
      if (ordered.size() <= PAGE_SIZE) {
        sendEntries(ordered);
        complete();
      } else {
        sendRevisions();
      }
      return;
    }
    List<RegistrationEntry> wanted = new ArrayList<>();
    for (String id : request.getIdsList()) {
      RegistrationEntry entry = authorized.get(id);
      if (entry != null) {
        wanted.add(entry);
      }
    }
    sendEntries(wanted);
  }

  private void sendEntries(List<RegistrationEntry> entries) {
    int sent = 0;
    do {
      int end = Math.min(entries.size(), sent + PAGE_SIZE);
      SyncAuthorizedEntriesResponse.Builder page = SyncAuthorizedEntriesResponse.newBuilder().setMore(end < entries.size());
      entries.subList(sent, end).forEach(e -> page.addEntries(EntryConverter.toProto(e)));
      out.onNext(page.build());
      sent = end;
    } while (sent < entries.size());
  }

  private void sendRevisions() {
    int sent = 0;
    while (sent < ordered.size()) {
      int end = Math.min(ordered.size(), sent + PAGE_SIZE);
      SyncAuthorizedEntriesResponse.Builder page = SyncAuthorizedEntriesResponse.newBuilder().setMore(end < ordered.size());
      for (RegistrationEntry e : ordered.subList(sent, end)) {
        page.addEntryRevisions(EntryRevision.newBuilder().setId(e.entryId()).setRevisionNumber(e.revisionNumber())
            .setCreatedAt(e.createdAt()));
      }
      out.onNext(page.build());
      sent = end;
    }
  }

  @Override
  public void onError(Throwable t) {
    // The agent went away; nothing to clean up.
  }

  @Override
  public void onCompleted() {
    complete();
  }

  private void complete() {
    if (!completed) {
      completed = true;
      out.onCompleted();
    }
  }
}
