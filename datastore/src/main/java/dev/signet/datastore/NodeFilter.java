package dev.signet.datastore;

import dev.signet.common.spiffe.Selector;
import java.time.Instant;
import java.util.List;

/**
 * Filters of {@code ListAgents}/{@code CountAgents}; a null component does not filter, all given
 * components must hold.
 *
 * @param expiresBefore nodes whose current SVID expires strictly before this instant
 * @param selectorMatch how {@code selectors} is compared with the node selectors; null means
 *     {@link MatchBehavior#SUPERSET}, SPIRE's default for agents
 */
public record NodeFilter(
    String attestationType,
    Boolean banned,
    Boolean canReattest,
    Instant expiresBefore,
    List<Selector> selectors,
    MatchBehavior selectorMatch) {

  /** Matches every node. */
  public static final NodeFilter ALL = new NodeFilter(null, null, null, null, null, null);

  public NodeFilter {
    selectors = selectors == null ? null : List.copyOf(selectors);
    selectorMatch = selectorMatch == null ? MatchBehavior.SUPERSET : selectorMatch;
  }
}
