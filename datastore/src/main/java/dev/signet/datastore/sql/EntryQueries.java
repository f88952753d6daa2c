package dev.signet.datastore.sql;

import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.EntryFilter;
import java.util.LinkedHashSet;
import java.util.List;

/** Translates an {@link EntryFilter} into a WHERE clause over {@code registered_entries e}. */
final class EntryQueries {
  private EntryQueries() {}

  /** {@code " WHERE …"}, always non-empty so callers can append {@code AND …}. */
  static Sql where(EntryFilter filter) {
    Sql where = new Sql(" WHERE 1 = 1");
    if (filter.spiffeId() != null) {
      where.add(" AND e.spiffe_id = ?", filter.spiffeId().toString());
    }
    if (filter.parentId() != null) {
      where.add(" AND e.parent_id = ?", filter.parentId().toString());
    }
    if (filter.hint() != null) {
      where.add(" AND e.hint = ?", filter.hint());
    }
    if (filter.downstream() != null) {
      where.add(" AND e.downstream = ?", filter.downstream());
    }
    if (filter.selectors() != null) {
      if (filter.selectors().isEmpty()) {
        throw DataStoreException.invalid("cannot filter entries by an empty selector set");
      }
      List<List<String>> tuples = new LinkedHashSet<>(filter.selectors()).stream()
          .map(s -> List.of(s.type(), s.value())).toList();
      where.add(" AND ").add(SetMatch.condition("e.seq", "entry_selectors", "entry_seq", List.of("type", "value"),
          tuples, filter.selectorMatch()));
    }
    if (filter.federatesWith() != null) {
      if (filter.federatesWith().isEmpty()) {
        throw DataStoreException.invalid("cannot filter entries by an empty federates-with set");
      }
      List<List<String>> tuples = new LinkedHashSet<>(filter.federatesWith()).stream().map(List::of).toList();
      where.add(" AND ").add(SetMatch.condition("e.seq", "entry_federates_with", "entry_seq", List.of("trust_domain"),
          tuples, filter.federatesWithMatch()));
    }
    return where;
  }
}
