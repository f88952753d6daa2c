package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.DataStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trust scores of identities. An agent is scored by its own {@link NodeFactors}; a workload identity by the
 * weakest agent that can serve it (its entries' parents, through node aliases too), so an identity is
 * never trusted more than the least trustworthy node it may run on. Both add the identity's behaviour
 * ({@link ActivityTracker}). The node half is cached for {@link #NODE_CACHE} and dropped on every agent
 * event; a score is recomputed and published to the listener on each event concerning it.
 */
public final class TrustScorer {
  private static final Logger LOG = LoggerFactory.getLogger(TrustScorer.class);
  static final Duration NODE_CACHE = Duration.ofSeconds(5);
  private static final int MAX_CACHED = 100_000;

  private record Cached(List<TrustFactor> factors, Instant at) {}

  private final DataStore dataStore;
  private final ServingAgents servingAgents;
  private final NodeHistory history;
  private final ActivityTracker activity;
  private final IssuedSvids issued;
  private final Clock clock;
  private final Map<SpiffeId, Cached> nodeCache = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile BiConsumer<SpiffeId, TrustScore> listener = (id, score) -> {};

  public TrustScorer(DataStore dataStore, Clock clock) {
    this.dataStore = dataStore;
    this.servingAgents = new ServingAgents(dataStore);
    this.clock = clock;
    this.activity = new ActivityTracker(clock);
    this.issued = new IssuedSvids(clock);
    this.history = new NodeHistory(clock, agentId -> {
      generation.incrementAndGet();
      nodeCache.clear();
      try {
        score(agentId);
      } catch (DataStoreException e) {
        LOG.warn("trust score of {} not recomputed: {}", agentId, e.getMessage());
      }
    });
  }

  /** The agent-event sink to hand the Agent API and the agent authorizer. */
  public NodeHistory history() {
    return history;
  }

  /** The SVID-issuance sink to hand the SVID API; also the source of identities' current SVIDs. */
  public IssuedSvids issued() {
    return issued;
  }

  /** Told every freshly computed score (the metrics export them). */
  public void onScored(BiConsumer<SpiffeId, TrustScore> listener) {
    this.listener = listener;
  }

  /** The score of {@code identity} now. */
  public TrustScore score(SpiffeId identity) {
    List<TrustFactor> factors = new ArrayList<>(nodeFactors(identity));
    issued.rotationFactor(identity, clock.instant()).ifPresent(factors::add);
    factors.addAll(activity.factors(identity));
    TrustScore score = TrustScore.of(factors);
    listener.accept(identity, score);
    return score;
  }

  /** Records a policy decision about {@code identity}; returns the anomalies it showed. */
  public List<String> recordDecision(SpiffeId identity, String resource, boolean allowed) {
    List<String> anomalies = activity.record(identity, resource, allowed);
    score(identity);
    return anomalies;
  }

  private List<TrustFactor> nodeFactors(SpiffeId identity) {
    Instant now = clock.instant();
    Cached cached = nodeCache.get(identity);
    if (cached != null && cached.at().plus(NODE_CACHE).isAfter(now)) {
      return cached.factors();
    }
    long before = generation.get();
    List<TrustFactor> factors = computeNodeFactors(identity, now);
    if (nodeCache.size() >= MAX_CACHED) {
      nodeCache.clear();
    }
    // Cached only when no agent event (a ban, say) happened while it was computed from older state.
    if (generation.get() == before) {
      nodeCache.put(identity, new Cached(factors, now));
    }
    return factors;
  }

  private List<TrustFactor> computeNodeFactors(SpiffeId identity, Instant now) {
    Optional<AttestedNode> self = dataStore.fetchAttestedNode(identity);
    if (self.isPresent()) {
      return NodeFactors.of(self.get(), history.of(identity), now);
    }
    Set<AttestedNode> serving = servingAgents.of(identity);
    if (serving.isEmpty()) {
      return List.of(new TrustFactor("no_serving_agent", -50,
          "no attested agent can serve this identity (not registered here, or its agents are gone)"));
    }
    List<TrustFactor> weakest = null;
    AttestedNode weakestNode = null;
    for (AttestedNode node : serving) {
      List<TrustFactor> candidate = NodeFactors.of(node, history.of(node.spiffeId()), now);
      if (weakest == null || TrustScore.of(candidate).score() < TrustScore.of(weakest).score()) {
        weakest = candidate;
        weakestNode = node;
      }
    }
    List<TrustFactor> factors = new ArrayList<>();
    factors.add(new TrustFactor("served_by", 0, "the weakest of " + serving.size() + " agent(s) that can serve it: "
        + weakestNode.spiffeId()));
    if (serving.size() >= ServingAgents.MAX) {
      // Not every serving agent was looked at: the weakest may be among the rest.
      factors.add(new TrustFactor("serving_set_truncated", -20, "more than " + ServingAgents.MAX
          + " agents can serve it; only the first were scored"));
    }
    factors.addAll(weakest);
    return factors;
  }
}
