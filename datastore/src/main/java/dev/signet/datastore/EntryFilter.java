package dev.signet.datastore;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import java.util.List;

/**
 * Filters of {@code ListEntries}/{@code CountEntries}; a null component does not filter. All given
 * components must hold (AND). A non-null but empty selector or federates-with list is rejected by the
 * datastore, as SPIRE does.
 *
 * @param selectorMatch how {@code selectors} is compared; null means {@link MatchBehavior#EXACT}
 * @param federatesWith trust domain names
 * @param federatesWithMatch how {@code federatesWith} is compared; null means {@link MatchBehavior#EXACT}
 */
public record EntryFilter(
    SpiffeId spiffeId,
    SpiffeId parentId,
    List<Selector> selectors,
    MatchBehavior selectorMatch,
    List<String> federatesWith,
    MatchBehavior federatesWithMatch,
    String hint,
    Boolean downstream) {

  /** Matches every entry. */
  public static final EntryFilter ALL = new EntryFilter(null, null, null, null, null, null, null, null);

  public EntryFilter {
    selectors = selectors == null ? null : List.copyOf(selectors);
    federatesWith = federatesWith == null ? null : List.copyOf(federatesWith);
    selectorMatch = selectorMatch == null ? MatchBehavior.EXACT : selectorMatch;
    federatesWithMatch = federatesWithMatch == null ? MatchBehavior.EXACT : federatesWithMatch;
  }

  /** Entries with this SPIFFE ID. */
  public static EntryFilter bySpiffeId(SpiffeId id) {
    return new EntryFilter(id, null, null, null, null, null, null, null);
  }

  /** Entries with this parent ID. */
  public static EntryFilter byParentId(SpiffeId id) {
    return new EntryFilter(null, id, null, null, null, null, null, null);
  }

  /** Entries whose selectors match {@code selectors} as {@code match} says. */
  public static EntryFilter bySelectors(List<Selector> selectors, MatchBehavior match) {
    return new EntryFilter(null, null, selectors, match, null, null, null, null);
  }

  /** Entries whose federated trust domains match {@code trustDomains} as {@code match} says. */
  public static EntryFilter byFederatesWith(List<String> trustDomains, MatchBehavior match) {
    return new EntryFilter(null, null, null, null, trustDomains, match, null, null);
  }
}
