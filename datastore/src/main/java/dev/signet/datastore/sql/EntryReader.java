package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.EntryAttributes;
import dev.signet.datastore.RegistrationEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads entries: one query for the entry rows, then one per child table (selectors, federated trust
 * domains, DNS names) for the whole batch, never one per entry.
 */
final class EntryReader {
  /** An entry and its internal sequence number (the paging key). */
  record Row(long seq, RegistrationEntry entry) {}

  static final String COLUMNS = "e.seq, e.entry_id, e.spiffe_id, e.parent_id, e.x509_svid_ttl, e.jwt_svid_ttl, "
      + "e.admin, e.downstream, e.expires_at, e.revision_number, e.store_svid, e.hint, e.created_at, "
      + "e.disable_x509_svid_prefetch, e.jwt_svid_include_jti";

  private EntryReader() {}

  /** Entries selected by {@code query} (which must select {@link #COLUMNS} from {@code registered_entries e}). */
  static List<Row> read(Connection c, Sql query) throws SQLException {
    Map<Long, Partial> partials = new LinkedHashMap<>();
    SharedValues shared = new SharedValues();
    try (PreparedStatement s = query.prepare(c); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        partials.put(rs.getLong(1), Partial.from(rs, shared));
      }
    }
    if (partials.isEmpty()) {
      return List.of();
    }
    List<Long> seqs = new ArrayList<>(partials.keySet());
    for (int from = 0; from < seqs.size(); from += Sql.IN_CHUNK) {
      List<Long> chunk = seqs.subList(from, Math.min(seqs.size(), from + Sql.IN_CHUNK));
      String in = " WHERE entry_seq IN (" + Sql.markers(chunk.size()) + ") ORDER BY entry_seq, ordinal";
      loadChildren(c, new Sql("SELECT entry_seq, type, value FROM entry_selectors" + in).add("", chunk.toArray()),
          partials, (p, rs) -> p.selectors.add(shared.selector(rs.getString(2), rs.getString(3))));
      loadChildren(c, new Sql("SELECT entry_seq, trust_domain FROM entry_federates_with" + in).add("", chunk.toArray()),
          partials, (p, rs) -> p.federatesWith.add(shared.name(rs.getString(2))));
      loadChildren(c, new Sql("SELECT entry_seq, dns_name FROM entry_dns_names" + in).add("", chunk.toArray()),
          partials, (p, rs) -> p.dnsNames.add(string(rs, 2)));
    }
    return rows(partials);
  }

  /** Every entry, with full scans of the child tables instead of IN lists. */
  static List<Row> readAll(Connection c) throws SQLException {
    Map<Long, Partial> partials = new HashMap<>();
    List<Long> order = new ArrayList<>();
    SharedValues shared = new SharedValues();
    try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM registered_entries e ORDER BY e.seq");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        partials.put(rs.getLong(1), Partial.from(rs, shared));
        order.add(rs.getLong(1));
      }
    }
    loadChildren(c, new Sql("SELECT entry_seq, type, value FROM entry_selectors ORDER BY entry_seq, ordinal"),
        partials, (p, rs) -> p.selectors.add(shared.selector(rs.getString(2), rs.getString(3))));
    loadChildren(c, new Sql("SELECT entry_seq, trust_domain FROM entry_federates_with ORDER BY entry_seq, ordinal"),
        partials, (p, rs) -> p.federatesWith.add(shared.name(rs.getString(2))));
    loadChildren(c, new Sql("SELECT entry_seq, dns_name FROM entry_dns_names ORDER BY entry_seq, ordinal"),
        partials, (p, rs) -> p.dnsNames.add(string(rs, 2)));
    Map<Long, Partial> ordered = new LinkedHashMap<>();
    order.forEach(seq -> ordered.put(seq, partials.get(seq)));
    return rows(ordered);
  }

  private static void loadChildren(Connection c, Sql query, Map<Long, Partial> partials, ChildReader reader)
      throws SQLException {
    try (PreparedStatement s = query.prepare(c); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        Partial p = partials.get(rs.getLong(1));
        if (p != null) {
          reader.read(p, rs);
        }
      }
    }
  }

  @FunctionalInterface
  private interface ChildReader {
    void read(Partial partial, ResultSet rs) throws SQLException;
  }

  private static String string(ResultSet rs, int column) throws SQLException {
    return rs.getString(column);
  }

  private static List<Row> rows(Map<Long, Partial> partials) {
    List<Row> rows = new ArrayList<>(partials.size());
    partials.forEach((seq, p) -> rows.add(new Row(seq, p.build())));
    return rows;
  }

  /** Entry columns read so far, waiting for the child rows. */
  private static final class Partial {
    final List<Selector> selectors = new ArrayList<>(2);
    final List<String> federatesWith = new ArrayList<>(0);
    final List<String> dnsNames = new ArrayList<>(0);
    String entryId;
    SpiffeId spiffeId;
    SpiffeId parentId;
    int x509Ttl;
    int jwtTtl;
    boolean admin;
    boolean downstream;
    long expiresAt;
    long revision;
    boolean storeSvid;
    String hint;
    long createdAt;
    EntryAttributes attributes;

    static Partial from(ResultSet rs, SharedValues shared) throws SQLException {
      Partial p = new Partial();
      p.entryId = rs.getString(2);
      p.spiffeId = shared.spiffeId(rs.getString(3));
      p.parentId = shared.parentId(rs.getString(4));
      p.x509Ttl = rs.getInt(5);
      p.jwtTtl = rs.getInt(6);
      p.admin = rs.getBoolean(7);
      p.downstream = rs.getBoolean(8);
      p.expiresAt = rs.getLong(9);
      p.revision = rs.getLong(10);
      p.storeSvid = rs.getBoolean(11);
      p.hint = SharedValues.hint(rs.getString(12));
      p.createdAt = rs.getLong(13);
      p.attributes = SharedValues.attributes(rs.getBoolean(14), rs.getBoolean(15));
      return p;
    }

    RegistrationEntry build() {
      return new RegistrationEntry(entryId, spiffeId, parentId, selectors, x509Ttl, jwtTtl, federatesWith, admin,
          downstream, expiresAt, dnsNames, revision, storeSvid, hint, createdAt, attributes);
    }
  }
}
