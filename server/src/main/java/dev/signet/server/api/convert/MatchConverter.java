package dev.signet.server.api.convert;

import dev.signet.datastore.MatchBehavior;
import dev.signet.proto.spire.api.types.SelectorMatch;

/** Maps the API's selector match behaviours onto the datastore's. */
public final class MatchConverter {
  private MatchConverter() {}

  public static MatchBehavior fromProto(SelectorMatch.MatchBehavior behavior) {
    return switch (behavior) {
      case MATCH_EXACT -> MatchBehavior.EXACT;
      case MATCH_SUBSET -> MatchBehavior.SUBSET;
      case MATCH_SUPERSET -> MatchBehavior.SUPERSET;
      case MATCH_ANY -> MatchBehavior.ANY;
      case UNRECOGNIZED -> throw dev.signet.server.api.InputValidation.invalid("unknown selector match behaviour");
    };
  }
}
