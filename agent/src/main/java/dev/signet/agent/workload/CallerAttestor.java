package dev.signet.agent.workload;

import dev.signet.attestors.workload.ProcFs;
import dev.signet.common.telemetry.Metrics;
import dev.signet.attestors.workload.ProcessStatus;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.spiffe.Selector;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Status;
import io.grpc.StatusException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

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
 *
 * <p>Performance — the selector cache: the selectors of a Workload API caller are kept for a short time
 * ({@link #DEFAULT_SELECTOR_TTL}) under (pid, process start time, socket uid, socket gid). Every call still
 * runs step 1 afresh (start time and credentials read now, effective uid/gid compared with the socket's),
 * and a cached result is used only when the start time read now equals the cached one (so the process is
 * the same one, not a reuse of its pid) and the whole credential set read now (real, effective, saved and
 * filesystem uids and gids, supplementary groups) equals the one the selectors were computed from. What
 * the cache can return is therefore only ever what this very process was attested as less than the TTL
 * ago, under the same credentials; a process that {@code exec}s another binary keeps its pid and start time
 * and may see its old binary's selectors for up to the TTL, which grants nothing it could not already have
 * obtained (it held that identity a moment before and could have fetched and kept it). Delegated
 * attestation ({@link #attestProcess}) is never cached.
 */
public final class CallerAttestor {
  /** How long a caller's selectors are reused (see the class comment). */
  public static final Duration DEFAULT_SELECTOR_TTL = Duration.ofSeconds(1);
  /** Cached callers beyond which expired results are pruned (and, if still too many, all are dropped). */
  static final int MAX_CACHED_CALLERS = 4096;

  private record CallerKey(int pid, long startTime, int uid, int gid) {}

  private record CachedSelectors(ProcessStatus status, Set<Selector> selectors, long attestedAt) {}

  private final ProcFs proc;
  private final List<WorkloadAttestor> attestors;
  private final long ttlNanos;
  private final LongSupplier ticker;
  private final Metrics metrics;
  private final Map<CallerKey, CachedSelectors> cache = new ConcurrentHashMap<>();

  public CallerAttestor(ProcFs proc, List<WorkloadAttestor> attestors) {
    this(proc, attestors, DEFAULT_SELECTOR_TTL, System::nanoTime);
  }

  /**
   * With the selector cache's lifetime ({@link Duration#ZERO} disables it) and the monotonic clock in
   * nanoseconds that ages it.
   */
  public CallerAttestor(ProcFs proc, List<WorkloadAttestor> attestors, Duration selectorTtl, LongSupplier ticker) {
    this(proc, attestors, selectorTtl, ticker, Metrics.NONE);
  }

  /**
   * With SPIRE's defaults, timing every attestation that runs the attestors (selectors not answered from the
   * cache) as the {@code workload_api_workload_attestation} call counter in {@code metrics}.
   */
  public CallerAttestor(ProcFs proc, List<WorkloadAttestor> attestors, Metrics metrics) {
    this(proc, attestors, DEFAULT_SELECTOR_TTL, System::nanoTime, metrics);
  }

  private CallerAttestor(ProcFs proc, List<WorkloadAttestor> attestors, Duration selectorTtl, LongSupplier ticker,
      Metrics metrics) {
    this.metrics = metrics;
    metrics.declareCall("workload_api_workload_attestation");
    this.proc = proc;
    this.attestors = List.copyOf(attestors);
    this.ttlNanos = selectorTtl.toNanos();
    this.ticker = ticker;
  }

  /** True when an attestor may wait on a remote daemon (see {@link WorkloadAttestor#mayBlock}). */
  public boolean mayBlock() {
    return attestors.stream().anyMatch(WorkloadAttestor::mayBlock);
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
    if (ttlNanos <= 0) {
      return attestGuarded(pid, before);
    }
    CallerKey key = new CallerKey(pid, before.startTime(), caller.uid(), caller.gid());
    long now = ticker.getAsLong();
    CachedSelectors cached = cache.get(key);
    if (cached != null && now - cached.attestedAt() < ttlNanos && cached.status().equals(before.status())) {
      return cached.selectors();
    }
    Set<Selector> selectors = attestGuarded(pid, before);
    if (cache.size() >= MAX_CACHED_CALLERS) {
      cache.values().removeIf(c -> now - c.attestedAt() >= ttlNanos);
      if (cache.size() >= MAX_CACHED_CALLERS) {
        cache.clear();
      }
    }
    cache.put(key, new CachedSelectors(before.status(), selectors, now));
    return selectors;
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
    return metrics.timed("workload_api_workload_attestation", () -> attestGuardedNow(pid, before));
  }

  private Set<Selector> attestGuardedNow(int pid, Fingerprint before) throws StatusException {
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
