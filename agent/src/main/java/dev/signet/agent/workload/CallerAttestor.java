package dev.signet.agent.workload;

import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.ProcessStatus;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the kernel's account of a caller (SO_PEERCRED) into selectors by running every configured
 * workload attestor on its pid, guarded against pid reuse.
 *
 * <p>Security — the pid-reuse race: SO_PEERCRED names a pid, but the caller may exit and the pid be given
 * to another process while attestation runs (or before it starts), so the agent could describe the wrong
 * process. The guard:
 * <ol>
 *   <li>before attesting, read the process's start time and credentials, and require its effective
 *       uid/gid to equal the ones the kernel recorded for the socket, so a different process that took the
 *       pid under another user is refused even when it did so before the first read;</li>
 *   <li>run the attestors;</li>
 *   <li>read the start time and credentials again and require them unchanged: a reused pid has a new start
 *       time, and a process that changed its credentials mid-attestation is not described consistently.</li>
 * </ol>
 * Any mismatch, or the process vanishing, is PERMISSION_DENIED and nothing is served. A process that
 * changed its uid/gid after connecting is refused too; it must reconnect.
 */
public final class CallerAttestor {
  private final ProcFs proc;
  private final List<WorkloadAttestor> attestors;

  public CallerAttestor(ProcFs proc, List<WorkloadAttestor> attestors) {
    this.proc = proc;
    this.attestors = List.copyOf(attestors);
  }

  /** The caller's selectors; throws a {@link StatusException} carrying the status to answer with. */
  public Set<Selector> attest(PeerCredentials caller) throws StatusException {
    if (caller == null) {
      throw Status.INTERNAL.withDescription("caller credentials are unavailable: the call did not arrive over a "
          + "unix socket with peer credentials").asException();
    }
    int pid = caller.pid();
    if (pid <= 0) {
      throw Status.PERMISSION_DENIED.withDescription("caller pid " + pid + " is not a process").asException();
    }
    Fingerprint before = fingerprint(pid);
    if (before.status().effectiveUid() != caller.uid() || before.status().effectiveGid() != caller.gid()) {
      throw denied("process " + pid + " runs as uid " + before.status().effectiveUid() + " gid "
          + before.status().effectiveGid() + " but connected as uid " + caller.uid() + " gid " + caller.gid());
    }
    return attestGuarded(pid, before);
  }

  /**
   * The selectors of process {@code pid} named by a trusted party (an authorized delegate on the admin
   * socket), not by the kernel: there are no socket credentials to compare with, so only steps 2 and 3
   * of the guard apply (the process must keep its start time and uid/gid while it is attested).
   */
  public Set<Selector> attestProcess(int pid) throws StatusException {
    if (pid <= 0) {
      throw Status.INVALID_ARGUMENT.withDescription("pid " + pid + " is not a process").asException();
    }
    return attestGuarded(pid, fingerprint(pid));
  }

  private Set<Selector> attestGuarded(int pid, Fingerprint before) throws StatusException {
    Set<Selector> selectors = new LinkedHashSet<>();
    for (WorkloadAttestor attestor : attestors) {
      try {
        selectors.addAll(attestor.attest(pid));
      } catch (WorkloadAttestationException e) {
        throw toStatus(e);
      }
    }
    Fingerprint after = fingerprint(pid);
    if (after.startTime() != before.startTime()) {
      throw denied("process " + pid + " was replaced during attestation (start time " + before.startTime()
          + " became " + after.startTime() + ")");
    }
    if (after.status().effectiveUid() != before.status().effectiveUid()
        || after.status().effectiveGid() != before.status().effectiveGid()) {
      throw denied("process " + pid + " changed its uid/gid during attestation");
    }
    return Set.copyOf(selectors);
  }

  private record Fingerprint(long startTime, ProcessStatus status) {}

  private Fingerprint fingerprint(int pid) throws StatusException {
    try {
      long start = proc.startTime(pid);
      return new Fingerprint(start, proc.status(pid));
    } catch (WorkloadAttestationException e) {
      throw toStatus(e);
    }
  }

  private static StatusException denied(String message) {
    return Status.PERMISSION_DENIED.withDescription("workload attestation refused: " + message).asException();
  }

  private static StatusException toStatus(WorkloadAttestationException e) {
    Status status = switch (e.kind()) {
      case PROCESS_GONE, REFUSED -> Status.PERMISSION_DENIED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
    };
    return status.withDescription("workload attestation failed: " + e.getMessage()).withCause(e).asException();
  }
}
