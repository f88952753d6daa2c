package dev.signet.datastore.sql;

import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.Page;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Keyset paging over a table's internal sequence column: the page token is the sequence number of the
 * last item returned. One extra row is fetched to know whether another page exists, so the last page
 * carries an empty token (SPIRE instead returns one more, empty, page).
 */
final class Paging {
  private Paging() {}

  /** The sequence number after which the page starts; 0 for the first page. */
  static long after(String pageToken) {
    if (pageToken == null || pageToken.isEmpty()) {
      return 0;
    }
    try {
      long after = Long.parseLong(pageToken);
      if (after > 0) {
        return after;
      }
    } catch (NumberFormatException e) {
      // reported below with the token quoted
    }
    throw DataStoreException.invalid("could not parse page token \"" + pageToken + "\"");
  }

  static void checkSize(int pageSize) {
    if (pageSize < 0) {
      throw DataStoreException.invalid("page size " + pageSize + " is negative");
    }
  }

  /** Appends {@code AND <seqColumn> > ? ORDER BY <seqColumn> [LIMIT ?]} for a page of {@code pageSize}. */
  static Sql bound(Sql query, String seqColumn, long after, int pageSize) {
    query.add(" AND " + seqColumn + " > ? ORDER BY " + seqColumn, after);
    if (pageSize > 0) {
      query.add(" LIMIT ?", pageSize + 1);
    }
    return query;
  }

  /** Builds the page from up to {@code pageSize + 1} rows. */
  static <R, T> Page<T> page(List<R> rows, int pageSize, ToLongFunction<R> seq, Function<R, T> item) {
    if (pageSize == 0 || rows.size() <= pageSize) {
      return new Page<>(rows.stream().map(item).toList(), "");
    }
    List<R> shown = rows.subList(0, pageSize);
    return new Page<>(shown.stream().map(item).toList(), Long.toString(seq.applyAsLong(shown.get(pageSize - 1))));
  }
}
