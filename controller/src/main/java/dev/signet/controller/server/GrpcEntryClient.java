package dev.signet.controller.server;

import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.transport.AdminClient;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EntryClient} over the server's admin socket ({@link AdminClient}: the same client the server CLI uses).
 * Lists page by page and writes in batches of at most {@value #BATCH} (the server's batch limit is larger).
 */
public final class GrpcEntryClient implements EntryClient {
  static final int BATCH = 50;
  private static final int PAGE = 500;
  private final AdminClient admin;

  public GrpcEntryClient(AdminClient admin) {
    this.admin = admin;
  }

  @Override
  public List<Entry> list() {
    List<Entry> out = new ArrayList<>();
    String token = "";
    do {
      ListEntriesResponse page = admin.entries().listEntries(
          ListEntriesRequest.newBuilder().setPageSize(PAGE).setPageToken(token).build());
      out.addAll(page.getEntriesList());
      token = page.getNextPageToken();
    } while (!token.isEmpty());
    return out;
  }

  @Override
  public List<Status> create(List<Entry> entries) {
    List<Status> out = new ArrayList<>();
    for (List<Entry> batch : batches(entries)) {
      admin.entries().batchCreateEntry(BatchCreateEntryRequest.newBuilder().addAllEntries(batch).build())
          .getResultsList().forEach(r -> out.add(status(r.getStatus())));
    }
    return out;
  }

  @Override
  public List<Status> update(List<Entry> entries) {
    List<Status> out = new ArrayList<>();
    for (List<Entry> batch : batches(entries)) {
      admin.entries().batchUpdateEntry(BatchUpdateEntryRequest.newBuilder().addAllEntries(batch).build())
          .getResultsList().forEach(r -> out.add(status(r.getStatus())));
    }
    return out;
  }

  @Override
  public List<Status> delete(List<String> ids) {
    List<Status> out = new ArrayList<>();
    for (List<String> batch : batches(ids)) {
      admin.entries().batchDeleteEntry(BatchDeleteEntryRequest.newBuilder().addAllIds(batch).build())
          .getResultsList().forEach(r -> out.add(status(r.getStatus())));
    }
    return out;
  }

  private static Status status(dev.signet.proto.spire.api.types.Status status) {
    return Status.fromCodeValue(status.getCode()).withDescription(status.getMessage());
  }

  private static <T> List<List<T>> batches(List<T> items) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i += BATCH) {
      out.add(items.subList(i, Math.min(items.size(), i + BATCH)));
    }
    return out;
  }
}
