package dev.signet.datastore;

/**
 * How a filter's set (selectors or federated trust domains) is compared with a record's set, as in
 * SPIRE's {@code SelectorMatch} / {@code FederatesWithMatch}.
 */
public enum MatchBehavior {
  /** The record's set equals the filter's set. */
  EXACT,
  /** The record's (non-empty) set is a subset of the filter's set. */
  SUBSET,
  /** The record's set contains every element of the filter's set. */
  SUPERSET,
  /** The record's set shares at least one element with the filter's set. */
  ANY
}
