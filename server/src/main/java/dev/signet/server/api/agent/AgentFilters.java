package dev.signet.server.api.agent;

import dev.signet.datastore.MatchBehavior;
import dev.signet.datastore.NodeFilter;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.server.api.convert.EntryConverter;
import dev.signet.server.api.convert.MatchConverter;
import java.time.Clock;
import java.time.Instant;

/** Translates ListAgents filters into datastore filters. */
final class AgentFilters {
  private AgentFilters() {}

  static NodeFilter fromProto(ListAgentsRequest.Filter filter, Clock clock) {
    return new NodeFilter(
        filter.getByAttestationType().isEmpty() ? null : filter.getByAttestationType(),
        filter.hasByBanned() ? filter.getByBanned().getValue() : null,
        filter.hasByCanReattest() ? filter.getByCanReattest().getValue() : null,
        filter.getByExpiresBefore().isEmpty() ? null : Instant.parse(filter.getByExpiresBefore()),
        filter.hasBySelectorMatch() ? EntryConverter.selectorsFromProto(filter.getBySelectorMatch().getSelectorsList()) : null,
        filter.hasBySelectorMatch() ? MatchConverter.fromProto(filter.getBySelectorMatch().getMatch()) : MatchBehavior.SUPERSET);
  }
}
