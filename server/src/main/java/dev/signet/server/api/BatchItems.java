package dev.signet.server.api;

import dev.signet.datastore.DataStoreException;
import dev.signet.proto.spire.api.types.Status;
import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LoggedFailure;
import dev.signet.server.endpoint.Caller;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-item rule of the batch RPCs (BatchCreateEntry, BatchNewX509SVID, BatchSetFederatedBundle, ...):
 * as in SPIRE, each item succeeds or fails on its own and the next item still runs. An item reports its
 * failure by throwing a {@link StatusRuntimeException} (a {@link DataStoreException} is mapped by
 * {@link ApiErrors#fromDataStore}); the failure becomes that item's {@code spire.api.types.Status} with the
 * same code and description, and leaves one line ({@link LoggedFailure}) naming the method, the caller and the
 * item, as a refused unary call does. Anything else thrown is a bug of ours and fails the whole call.
 */
public final class BatchItems {
  private static final Logger LOG = LoggerFactory.getLogger(BatchItems.class);

  private BatchItems() {}

  /** One item's work: fills the item's result on success, throws its failure otherwise. */
  @FunctionalInterface
  public interface Item {
    void run();
  }

  /**
   * Runs {@code item}: OK, or the status of the failure it threw, logged once.
   *
   * @param method the batch RPC, named in the line
   * @param field the {@link LogFields} name of what identifies the item ({@code entry_id}, {@code trust_domain})
   * @param value the item's value of that field as the caller sent it; left out of the line when empty. Never a
   *     secret.
   */
  public static Status run(MethodDescriptor<?, ?> method, String field, String value, Item item) {
    try {
      item.run();
      return ApiErrors.ok();
    } catch (DataStoreException e) {
      return refused(method, field, value, ApiErrors.fromDataStore(e));
    } catch (StatusRuntimeException e) {
      return refused(method, field, value, e);
    }
  }

  private static Status refused(MethodDescriptor<?, ?> method, String field, String value,
      StatusRuntimeException e) {
    LoggedFailure.of(e.getStatus()).with(LogFields.METHOD, method.getFullMethodName())
        .with(LogFields.CALLER, Caller.current().describe())
        .with(field, value == null || value.isEmpty() ? null : value).log(LOG);
    return ApiErrors.batchStatus(e);
  }

  /** True for the status of an item that succeeded. */
  public static boolean succeeded(Status status) {
    return status.getCode() == io.grpc.Status.Code.OK.value();
  }
}
