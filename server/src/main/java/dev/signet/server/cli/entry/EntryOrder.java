package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.Selector;
import java.util.Comparator;
import java.util.List;

/**
 * The order {@code entry show} prints entries in, the same as {@code spire-server entry show}: each entry's
 * selectors by type then value, and the entries by SPIFFE ID, parent ID, X509-SVID TTL, JWT-SVID TTL, then
 * selectors (fewer first, then one by one). Applied by the CLI, so the output does not depend on the order the
 * server lists entries in.
 */
final class EntryOrder {
  private static final Comparator<Selector> SELECTOR =
      Comparator.comparing(Selector::getType).thenComparing(Selector::getValue);

  private static final Comparator<List<Selector>> SELECTORS = (a, b) -> {
    if (a.size() != b.size()) {
      return Integer.compare(a.size(), b.size());
    }
    for (int i = 0; i < a.size(); i++) {
      int c = SELECTOR.compare(a.get(i), b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  };

  private static final Comparator<Entry> ENTRY = Comparator
      .comparing((Entry e) -> e.getSpiffeId().getTrustDomain())
      .thenComparing(e -> e.getSpiffeId().getPath())
      .thenComparing(e -> e.getParentId().getTrustDomain())
      .thenComparing(e -> e.getParentId().getPath())
      .thenComparingInt(Entry::getX509SvidTtl)
      .thenComparingInt(Entry::getJwtSvidTtl)
      .thenComparing(Entry::getSelectorsList, SELECTORS);

  private EntryOrder() {}

  /** {@code entries}, each with sorted selectors, in SPIRE's order. */
  static List<Entry> sorted(List<Entry> entries) {
    return entries.stream().map(EntryOrder::withSortedSelectors).sorted(ENTRY).toList();
  }

  private static Entry withSortedSelectors(Entry entry) {
    return entry.toBuilder().clearSelectors()
        .addAllSelectors(entry.getSelectorsList().stream().sorted(SELECTOR).toList()).build();
  }
}
