package dev.signet.server.api.entry;

import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.MatchBehavior;
import dev.signet.proto.spire.api.server.entry.v1.CountEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.types.FederatesWithMatch;
import dev.signet.server.api.InputValidation;
import dev.signet.server.api.convert.EntryConverter;
import dev.signet.server.api.convert.MatchConverter;
import java.util.List;

/** Translates ListEntries/CountEntries filters into datastore filters, validating every part. */
final class EntryFilters {
  private EntryFilters() {}

  static EntryFilter fromProto(ListEntriesRequest.Filter filter) {
    return new EntryFilter(
        filter.hasBySpiffeId() ? EntryConverter.fromProto("by_spiffe_id", filter.getBySpiffeId()) : null,
        filter.hasByParentId() ? EntryConverter.fromProto("by_parent_id", filter.getByParentId()) : null,
        filter.hasBySelectors() ? EntryConverter.selectorsFromProto(filter.getBySelectors().getSelectorsList()) : null,
        filter.hasBySelectors() ? MatchConverter.fromProto(filter.getBySelectors().getMatch()) : MatchBehavior.EXACT,
        filter.hasByFederatesWith() ? trustDomains(filter.getByFederatesWith().getTrustDomainsList()) : null,
        filter.hasByFederatesWith() ? federatesWithMatch(filter.getByFederatesWith().getMatch()) : MatchBehavior.EXACT,
        filter.hasByHint() ? filter.getByHint().getValue() : null,
        downstreamOnly(filter));
  }

  /**
   * CountEntries' filter has the same fields and numbers as ListEntries' filter, so it is re-read as one
   * rather than translated twice.
   */
  static EntryFilter fromProto(CountEntriesRequest.Filter filter) {
    try {
      return fromProto(ListEntriesRequest.Filter.parseFrom(filter.toByteString()));
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("count and list filters diverged", e);
    }
  }

  /**
   * {@code by_downstream = true} keeps only downstream entries; {@code false} filters nothing, as in SPIRE,
   * whose CLI always sends the flag's value ({@code entry show} without {@code -downstream} sends false and
   * must still list downstream entries).
   */
  private static Boolean downstreamOnly(ListEntriesRequest.Filter filter) {
    return filter.hasByDownstream() && filter.getByDownstream().getValue() ? Boolean.TRUE : null;
  }

  private static List<String> trustDomains(List<String> names) {
    return names.stream().map(n -> InputValidation.trustDomain("by_federates_with", n)).map(TrustDomain::name).toList();
  }

  private static MatchBehavior federatesWithMatch(FederatesWithMatch.MatchBehavior behavior) {
    return switch (behavior) {
      case MATCH_EXACT -> MatchBehavior.EXACT;
      case MATCH_SUBSET -> MatchBehavior.SUBSET;
      case MATCH_SUPERSET -> MatchBehavior.SUPERSET;
      case MATCH_ANY -> MatchBehavior.ANY;
      case UNRECOGNIZED -> throw InputValidation.invalid("unknown federates_with match behaviour");
    };
  }
}
