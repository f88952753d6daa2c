package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.api.agent.AgentLifecycleListener;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * What this server process has seen of each agent: when it last attested (and whether that was a
 * re-attestation), how often it was evicted, and when it last called the server. Kept in memory: after a
 * restart the history starts empty and the factors that need it say so. Bans are not kept here; the
 * datastore's banned flag is authoritative.
 */
public final class NodeHistory implements AgentLifecycleListener {
  /** One agent's record. */
  record Record(Instant attestedAt, int reattestations, int evictions, Instant lastSeen) {
    static final Record EMPTY = new Record(null, 0, 0, null);
  }

  private static final int MAX_AGENTS = 100_000;

  private final Map<SpiffeId, Record> records = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Consumer<SpiffeId> onChange;

  /** {@code onChange} gets the agent after every attestation, eviction and ban (trust scores recompute). */
  public NodeHistory(Clock clock, Consumer<SpiffeId> onChange) {
    this.clock = clock;
    this.onChange = onChange;
  }

  @Override
  public void attested(SpiffeId agentId, String attestationType, boolean again) {
    Instant now = clock.instant();
    update(agentId, r -> new Record(now, r.reattestations() + (again ? 1 : 0), r.evictions(), now));
    onChange.accept(agentId);
  }

  @Override
  public void evicted(SpiffeId agentId) {
    update(agentId, r -> new Record(r.attestedAt(), r.reattestations(), r.evictions() + 1, r.lastSeen()));
    onChange.accept(agentId);
  }

  @Override
  public void banned(SpiffeId agentId) {
    onChange.accept(agentId);
  }

  /** An authorized call from the agent (sync, renewal, SVID signing). */
  public void seen(SpiffeId agentId) {
    Instant now = clock.instant();
    update(agentId, r -> new Record(r.attestedAt(), r.reattestations(), r.evictions(), now));
  }

  Record of(SpiffeId agentId) {
    return records.getOrDefault(agentId, Record.EMPTY);
  }

  private void update(SpiffeId agentId, UnaryOperator<Record> change) {
    if (records.size() >= MAX_AGENTS && !records.containsKey(agentId)) {
      return; // bounded: a flood of made-up agents cannot exhaust memory
    }
    records.compute(agentId, (id, r) -> change.apply(r == null ? Record.EMPTY : r));
  }
}
