package dev.signet.server.api;

import dev.signet.datastore.DataStoreException;
import dev.signet.proto.spire.api.types.Status;
import io.grpc.StatusRuntimeException;

/**
 * The per-item rule of the batch RPCs (BatchCreateEntry, BatchNewX509SVID, BatchSetFederatedBundle, ...):
 * as in SPIRE, each item succeeds or fails on its own and the next item still runs. An item reports its
 * failure by throwing a {@link StatusRuntimeException} (a {@link DataStoreException} is mapped by
 * {@link ApiErrors#fromDataStore}); the failure becomes that item's {@code spire.api.types.Status} with the
 * same code and description. Anything else thrown is a bug of ours and fails the whole call.
 */
public final class BatchItems {
  private BatchItems() {}

  /** One item's work: fills the item's result on success, throws its failure otherwise. */
  @FunctionalInterface
  public interface Item {
    void run();
  }

  /** Runs {@code item}: OK, or the status of the failure it threw. */
  public static Status run(Item item) {
    try {
      item.run();
      return ApiErrors.ok();
    } catch (DataStoreException e) {
      return ApiErrors.batchStatus(ApiErrors.fromDataStore(e));
    } catch (StatusRuntimeException e) {
      return ApiErrors.batchStatus(e);
    }
  }

  /** True for the status of an item that succeeded. */
  public static boolean succeeded(Status status) {
    return status.getCode() == io.grpc.Status.Code.OK.value();
  }
}
