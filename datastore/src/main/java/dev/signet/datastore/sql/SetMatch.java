package dev.signet.datastore.sql;

import dev.signet.datastore.MatchBehavior;
import java.util.List;

/**
 * SQL for comparing a record's set (rows of a child table) with a filter's set under a
 * {@link MatchBehavior}. With {@code m} = how many of the record's rows are in the filter set,
 * {@code t} = how many rows the record has and {@code n} = the filter set's size (distinct):
 * EXACT is {@code m = n AND t = n}, SUBSET {@code m = t}, SUPERSET {@code m = n}, ANY {@code m > 0}.
 * Records without rows never match, as with SPIRE's join-based queries.
 */
final class SetMatch {
  private SetMatch() {}

  /**
   * A condition {@code <ownerColumn> IN (…)} over child table {@code table} keyed by {@code ownerKey}.
   *
   * @param columns the compared columns of the child table
   * @param tuples distinct filter elements, each with one value per column
   */
  static Sql condition(String ownerColumn, String table, String ownerKey, List<String> columns,
      List<List<String>> tuples, MatchBehavior match) {
    Sql element = new Sql("");
    for (int i = 0; i < tuples.size(); i++) {
      element.add(i == 0 ? "(" : " OR (");
      List<String> tuple = tuples.get(i);
      for (int j = 0; j < columns.size(); j++) {
        element.add((j == 0 ? "" : " AND ") + columns.get(j) + " = ?", tuple.get(j));
      }
      element.add(")");
    }
    long n = tuples.size();
    // EXACT and SUBSET need m > 0 too, so only records with a row in the filter set are grouped: the
    // index on the compared columns finds them instead of a scan of the whole child table.
    Sql candidates = new Sql(" WHERE " + ownerKey + " IN (SELECT " + ownerKey + " FROM " + table + " WHERE ")
        .add(element).add(")");
    Sql sql = new Sql(ownerColumn + " IN (SELECT " + ownerKey + " FROM " + table);
    switch (match) {
      case ANY -> sql.add(" WHERE ").add(element).add(")");
      case SUPERSET -> sql.add(" WHERE ").add(element).add(" GROUP BY " + ownerKey + " HAVING COUNT(*) = ?)", n);
      case SUBSET -> sql.add(candidates).add(" GROUP BY " + ownerKey + " HAVING SUM(CASE WHEN ").add(element)
          .add(" THEN 1 ELSE 0 END) = COUNT(*))");
      case EXACT -> sql.add(candidates).add(" GROUP BY " + ownerKey + " HAVING SUM(CASE WHEN ").add(element)
          .add(" THEN 1 ELSE 0 END) = ? AND COUNT(*) = ?)", n, n);
    }
    return sql;
  }
}
