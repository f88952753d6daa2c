package dev.signet.server.access;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.agent.AgentLifecycleListener;
import dev.signet.server.api.svid.SvidIssuanceListener;
import dev.signet.server.trust.TrustScore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.math.BigInteger;
import java.time.Instant;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's metrics in Prometheus' text format ({@code GET /metrics} of the access API): requests by
 * route and status with their latency, policy decisions by outcome, the latest trust score of every identity
 * scored (at most {@value #MAX_SCORED_IDENTITIES} series), agent attestations by attestor, evictions, bans,
 * X509-SVIDs issued, and the JVM's memory and threads.
 */
public final class AccessMetrics implements AgentLifecycleListener, SvidIssuanceListener {
  static final int MAX_SCORED_IDENTITIES = 10_000;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<SpiffeId, AtomicInteger> scores = new ConcurrentHashMap<>();
  private final Counter allowed;
  private final Counter denied;
  private final Counter issuedSvids;
  private final Counter unaudited;

  public AccessMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    allowed = Counter.builder("signet_policy_decisions").tag("decision", "allow")
        .description("policy decisions made through the access API").register(registry);
    denied = Counter.builder("signet_policy_decisions").tag("decision", "deny")
        .description("policy decisions made through the access API").register(registry);
    unaudited = Counter.builder("signet_access_unaudited_refusals")
        .description("unauthenticated refusals over the per-address audit rate, counted but not recorded")
        .register(registry);
    issuedSvids = Counter.builder("signet_x509_svids_issued").description("workload X509-SVIDs signed for agents")
        .register(registry);
  }

  /** One answered request. */
  void request(String method, String route, int status, long nanos) {
    Timer.builder("signet_access_requests").tag("method", method).tag("route", route)
        .tag("status", Integer.toString(status)).description("access API requests").register(registry)
        .record(Duration.ofNanos(nanos));
  }

  /**
   * The audit trail's head: {@code signet_audit_head_seq}, the newest record written, and
   * {@code signet_audit_anchored_seq}, the newest anchored in the datastore. A trail that ends before
   * the head seen here was cut ({@code signet-server audit verify -head SEQ}).
   */
  public void auditTrail(java.util.function.LongSupplier head, java.util.function.LongSupplier anchored) {
    Gauge.builder("signet_audit_head_seq", head, s -> s.getAsLong())
        .description("seq of the newest audit record written").register(registry);
    Gauge.builder("signet_audit_anchored_seq", anchored, s -> s.getAsLong())
        .description("seq of the newest audit record anchored in the datastore").register(registry);
  }

  /** An unauthenticated refusal left out of the audit trail by its flood guard. */
  void unauditedRefusal() {
    unaudited.increment();
  }

  void decision(boolean allow) {
    (allow ? allowed : denied).increment();
  }

  /** The latest score of {@code identity}: a gauge {@code signet_trust_score{identity="…"}}. */
  public void trustScore(SpiffeId identity, TrustScore score) {
    AtomicInteger value = scores.get(identity);
    if (value == null) {
      if (scores.size() >= MAX_SCORED_IDENTITIES) {
        return;
      }
      value = scores.computeIfAbsent(identity, id -> {
        AtomicInteger holder = new AtomicInteger();
        Gauge.builder("signet_trust_score", holder, AtomicInteger::get).tag("identity", id.toString())
            .description("latest trust score (0-100) of the identity").register(registry);
        return holder;
      });
    }
    value.set(score.score());
  }

  @Override
  public void attested(SpiffeId agentId, String attestationType, boolean again) {
    Counter.builder("signet_agent_attestations").tag("attestor", attestationType)
        .tag("kind", again ? "reattest" : "attest").description("agent (re-)attestations").register(registry)
        .increment();
  }

  @Override
  public void evicted(SpiffeId agentId) {
    Counter.builder("signet_agent_evictions").description("agents evicted").register(registry).increment();
  }

  @Override
  public void banned(SpiffeId agentId) {
    Counter.builder("signet_agent_bans").description("agents banned").register(registry).increment();
  }

  @Override
  public void issued(SpiffeId spiffeId, SpiffeId agentId, BigInteger serialNumber, Instant notAfter) {
    issuedSvids.increment();
  }

  /** The Prometheus text exposition. */
  String scrape() {
    return registry.scrape();
  }
}
