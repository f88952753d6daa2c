package dev.signet.agent.runtime;

import dev.signet.agent.sync.EntrySynchronizer;
import dev.signet.agent.sync.ServerApi;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.process.FatalErrors;
import dev.signet.common.proto.PermissionDenied;
import dev.signet.proto.spire.api.types.PermissionDeniedDetails.Reason;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.signet.common.telemetry.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the agent syncs: at once on a push signal (coalesced), every {@code sync_interval}, when the agent
 * SVID reaches its renewal point or a workload SVID its renewal deadline ({@link EntrySynchronizer#renewalDeadline}:
 * workload SVIDs falling due are otherwise renewed together by the next periodic sync), and after failures with a growing pause
 * (0.5 s doubling to 30 s) while cached SVIDs keep being served. It also handles what the server says
 * about the agent itself: renewal at half life, re-attestation where allowed, and a clean stop when the
 * agent is banned or can no longer prove who it is.
 */
final class SyncLoop {
  private static final Logger LOG = LoggerFactory.getLogger(SyncLoop.class);
  private static final Duration TICK = Duration.ofMillis(250);

  private final EntrySynchronizer synchronizer;
  private final AgentIdentity identity;
  private final ServerApi api;
  private final StatusReporter status = new StatusReporter();
  /** Whether the server has this agent's status since the last (re)connection; sync thread only. */
  private boolean statusPosted;
  private final SyncSchedule schedule;
  private final SyncHealth health;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final Consumer<String> stop;
  private final Supplier<Optional<NodeAttestorClient>> reattestor;
  private final AtomicBoolean requested = new AtomicBoolean();
  /** {@link #tick} as the scheduler runs it: an Error ends the process rather than the loop alone. */
  private final Runnable guardedTick = FatalErrors.PROCESS.guard("agent sync loop", this::tick);
  private Instant nextRenewalAttempt = Instant.MIN;
  private volatile boolean halted;
  private final Metrics metrics;

  SyncLoop(EntrySynchronizer synchronizer, AgentIdentity identity, ServerApi api, Duration interval,
      ScheduledExecutorService scheduler, Clock clock, Consumer<String> stop,
      Supplier<Optional<NodeAttestorClient>> reattestor) {
    this(synchronizer, identity, api, interval, scheduler, clock, stop, reattestor, Metrics.NONE);
  }

  /**
   * Timing every sync as SPIRE's {@code manager_sync_fetch_entries_updates} call counter in {@code metrics}, with
   * gauges of the time since the last successful sync ({@code manager_sync_last_success_age_seconds}) and of the
   * failed attempts since ({@code manager_sync_consecutive_failures}).
   */
  SyncLoop(EntrySynchronizer synchronizer, AgentIdentity identity, ServerApi api, Duration interval,
      ScheduledExecutorService scheduler, Clock clock, Consumer<String> stop,
      Supplier<Optional<NodeAttestorClient>> reattestor, Metrics metrics) {
    this.metrics = metrics;
    metrics.declareCall("manager_sync_fetch_entries_updates");
    this.synchronizer = synchronizer;
    this.identity = identity;
    this.api = api;
    this.schedule = new SyncSchedule(interval);
    this.health = new SyncHealth(interval, clock.instant());
    if (metrics.enabled()) {
      metrics.gauge("manager_sync_last_success_age_seconds",
          () -> health.sinceLastSuccess(clock.instant()).toMillis() / 1000.0);
      metrics.gauge("manager_sync_consecutive_failures", health::consecutiveFailures);
    }
    this.scheduler = scheduler;
    this.clock = clock;
    this.stop = stop;
    this.reattestor = reattestor;
  }

  void start() {
    scheduler.scheduleWithFixedDelay(guardedTick, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Asks for a sync as soon as possible (push signal); several requests make one sync. */
  void syncSoon() {
    if (requested.compareAndSet(false, true)) {
      scheduler.execute(guardedTick);
    }
  }

  /** Runs one sync now on the calling thread (start-up); failures are logged and retried later. */
  void syncOnce() {
    runSync();
  }

  /** When the last sync succeeded; null before the first success. */
  Instant lastSuccess() {
    return health.lastSuccess().orElse(null);
  }

  /** How the syncs are going (for the health checks). */
  SyncHealth health() {
    return health;
  }

  /** True once the loop stopped for good (banned, or unable to prove its identity). */
  boolean halted() {
    return halted;
  }

  private void tick() {
    if (halted) {
      return;
    }
    // An exception escaping a scheduleWithFixedDelay task cancels every later run: never let one out
    // (an Error is left to guardedTick, which halts the process: see FatalErrors).
    try {
      tickOnce();
    } catch (RuntimeException e) {
      LOG.error("sync loop step failed", e);
      retryLater();
    }
  }

  private void tickOnce() {
    Instant now = clock.instant();
    if (!now.isBefore(identity.renewAt()) && !now.isBefore(nextRenewalAttempt)) {
      try {
        renewAgentSvid();
        nextRenewalAttempt = Instant.MIN;
      } catch (StatusRuntimeException e) {
        handleFailure("agent svid renewal", e);
        nextRenewalAttempt = schedule.nextSync(); // the same growing pause as a failed sync, not every tick
        return;
      }
    }
    if (schedule.due(now, requested.getAndSet(false), synchronizer.renewalDeadline())) {
      runSync();
    }
  }

  private void runSync() {
    try {
      EntrySynchronizer.Result result = metrics.timed("manager_sync_fetch_entries_updates", synchronizer::sync);
      identity.bundleChanged(result.bundle());
      Instant now = clock.instant();
      schedule.succeeded(now);
      health.succeeded(now);
      if (result.issued() > 0) {
        LOG.info("synced {} entries, {} new x509-svids", result.entries(), result.issued());
      }
      if (!statusPosted) {
        statusPosted = status.report(api.channel(), result.bundle().sequenceNumber());
      }
    } catch (StatusRuntimeException e) {
      handleFailure("sync", e);
    } catch (RuntimeException e) {
      LOG.error("sync failed", e);
      retryLater();
    }
  }

  private void renewAgentSvid() {
    try (var connection = identity.connect()) {
      identity.renew(connection);
    }
    api.replace(identity.connect());
    statusPosted = false; // a renewed agent posts again
  }

  private void handleFailure(String what, StatusRuntimeException e) {
    if (e.getStatus().getCode() != Status.Code.PERMISSION_DENIED) {
      LOG.warn("{} failed, serving cached svids: {}", what, e.getStatus());
      retryLater();
      return;
    }
    Reason reason = PermissionDenied.reasonOf(e);
    LOG.warn("{} refused by the server ({}): {}", what, reason, e.getStatus().getDescription());
    switch (reason) {
      case AGENT_BANNED -> halt("agent is banned", true);
      case AGENT_MUST_REATTEST, AGENT_EXPIRED, AGENT_NOT_ATTESTED -> reattestOrHalt(reason);
      default -> retryLater();
    }
  }

  private void reattestOrHalt(Reason reason) {
    Optional<NodeAttestorClient> attestor = identity.state().reattestable() ? reattestor.get() : Optional.empty();
    if (attestor.isEmpty()) {
      halt("the server no longer accepts this agent (" + reason + ") and it cannot re-attest", true);
      return;
    }
    try {
      identity.attest(synchronizer.bundle(), attestor.get());
      api.replace(identity.connect());
      syncSoon();
    } catch (StatusRuntimeException e) {
      LOG.warn("re-attestation failed: {}", e.getStatus());
      retryLater();
    }
  }

  private void halt(String why, boolean forget) {
    halted = true;
    if (forget) {
      identity.forget();
    }
    stop.accept(why);
  }

  private void retryLater() {
    health.failed();
    schedule.failed(clock.instant());
  }
}
