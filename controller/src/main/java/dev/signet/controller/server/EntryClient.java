package dev.signet.controller.server;

import dev.signet.proto.spire.api.types.Entry;
import io.grpc.Status;
import java.util.List;

/**
 * The part of the server's entry API the controller uses. Batch calls answer one status per item, in order, as the
 * server's batch RPCs do; a failure of the whole call throws {@link io.grpc.StatusRuntimeException}.
 */
public interface EntryClient {
  /** Every entry on the server. */
  List<Entry> list();

  /** Creates entries (each with its id set); one status per entry. */
  List<Status> create(List<Entry> entries);

  /** Updates entries by id; one status per entry. */
  List<Status> update(List<Entry> entries);

  /** Deletes entries by id; one status per id. */
  List<Status> delete(List<String> ids);
}
