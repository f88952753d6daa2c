package dev.signet.agent.workload;

import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LoggedFailure;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.StatusException;
import java.util.Set;
import org.slf4j.Logger;

/**
 * The one log line of a failed call on the agent's sockets (Workload API, delegated identity): the method,
 * the caller's pid, uid and gid as the kernel reported them, the selectors it was attested with when it got
 * that far, and the status it receives ({@link LoggedFailure}).
 */
public final class CallerFailureLog {
  private CallerFailureLog() {}

  /** Logs {@code failure} to {@code log} and returns it unchanged, for the caller. */
  public static StatusException logged(Logger log, StatusException failure, String method, PeerCredentials caller,
      Set<Selector> selectors) {
    LoggedFailure.of(failure.getStatus())
        .with(LogFields.METHOD, method)
        .with(LogFields.CALLER_PID, caller == null ? null : caller.pid())
        .with(LogFields.CALLER_UID, caller == null ? null : caller.uid())
        .with(LogFields.CALLER_GID, caller == null ? null : caller.gid())
        .with(LogFields.SELECTORS, selectors == null ? null : selectors.stream().map(Selector::toString).sorted().toList())
        .log(log);
    return failure;
  }
}
