package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.RegistrationEntry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Creates, updates and deletes entries inside a write transaction. */
final class EntryWriter {
  private EntryWriter() {}

  static RegistrationEntry create(Tx tx, RegistrationEntry entry, Instant now) throws SQLException {
    Connection c = tx.connection();
    String id = entry.entryId().isEmpty() ? UUID.randomUUID().toString() : entry.entryId();
    EntryIdentity.checkEntryId(id);
    checkContent(c, entry);
    if (lockSeq(tx, id, false) != null) {
      throw DataStoreException.alreadyExists("entry \"" + id + "\" already exists");
    }
    String identity = EntryIdentity.key(entry.spiffeId(), entry.parentId(), entry.selectors());
    checkNoTwin(c, identity, -1, entry);
    RegistrationEntry created = entry.withEntryId(id).withServerFields(0, now.getEpochSecond());
    long seq;
    try (PreparedStatement s = c.prepareStatement("INSERT INTO registered_entries (entry_id, spiffe_id, parent_id, "
        + "identity_key, x509_svid_ttl, jwt_svid_ttl, admin, downstream, expires_at, revision_number, store_svid, "
        + "hint, disable_x509_svid_prefetch, jwt_svid_include_jti, created_at) "
        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, created.spiffeId().toString());
      s.setString(3, created.parentId().toString());
      s.setString(4, identity);
      bindScalars(s, 5, created);
      s.setLong(15, created.createdAt());
      s.executeUpdate();
    }
    // read back rather than through getGeneratedKeys, which not every driver implements the same way
    seq = lockSeq(tx, id, false);
    insertChildren(c, seq, created, RegistrationEntry.UPDATABLE_FIELDS);
    tx.changed(ChangeEvent.Kind.ENTRY, id);
    return created;
  }

  /** Updates the masked fields; {@code expectedRevision} null skips the optimistic check. */
  static RegistrationEntry update(Tx tx, RegistrationEntry entry, Set<String> mask, Long expectedRevision)
      throws SQLException {
    Connection c = tx.connection();
    Set<String> fields = mask == null ? RegistrationEntry.UPDATABLE_FIELDS : checkMask(mask);
    if (entry.entryId().isEmpty()) {
      throw DataStoreException.invalid("cannot update an entry without an entry id");
    }
    Long seq = lockSeq(tx, entry.entryId(), true);
    if (seq == null) {
      throw DataStoreException.notFound("entry \"" + entry.entryId() + "\" not found");
    }
    RegistrationEntry current = EntryReader.read(c, new Sql("SELECT " + EntryReader.COLUMNS
        + " FROM registered_entries e WHERE e.seq = ?", seq)).getFirst().entry();
    if (expectedRevision != null && expectedRevision != current.revisionNumber()) {
      throw DataStoreException.conflict("entry \"" + entry.entryId() + "\" is at revision "
          + current.revisionNumber() + ", not " + expectedRevision);
    }
    RegistrationEntry merged = EntryMerge.apply(current, entry, fields)
        .withServerFields(current.revisionNumber() + 1, current.createdAt());
    checkContent(c, merged);
    String identity = EntryIdentity.key(merged.spiffeId(), merged.parentId(), merged.selectors());
    checkNoTwin(c, identity, seq, merged);
    try (PreparedStatement s = c.prepareStatement("UPDATE registered_entries SET spiffe_id = ?, parent_id = ?, "
        + "identity_key = ?, x509_svid_ttl = ?, jwt_svid_ttl = ?, admin = ?, downstream = ?, expires_at = ?, "
        + "revision_number = ?, store_svid = ?, hint = ?, disable_x509_svid_prefetch = ?, jwt_svid_include_jti = ? "
        + "WHERE seq = ?")) {
      s.setString(1, merged.spiffeId().toString());
      s.setString(2, merged.parentId().toString());
      s.setString(3, identity);
      bindScalars(s, 4, merged);
      s.setLong(14, seq);
      s.executeUpdate();
    }
    for (String table : List.of("entry_selectors", "entry_federates_with", "entry_dns_names")) {
      if (fields.contains(childField(table))) {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE entry_seq = ?")) {
          s.setLong(1, seq);
          s.executeUpdate();
        }
      }
    }
    insertChildren(c, seq, merged, fields);
    tx.changed(ChangeEvent.Kind.ENTRY, merged.entryId());
    return merged;
  }

  static RegistrationEntry delete(Tx tx, String entryId) throws SQLException {
    Connection c = tx.connection();
    Long seq = lockSeq(tx, entryId, true);
    if (seq == null) {
      throw DataStoreException.notFound("entry \"" + entryId + "\" not found");
    }
    RegistrationEntry entry = EntryReader.read(c, new Sql("SELECT " + EntryReader.COLUMNS
        + " FROM registered_entries e WHERE e.seq = ?", seq)).getFirst().entry();
    deleteBySeq(c, seq);
    tx.changed(ChangeEvent.Kind.ENTRY, entryId);
    return entry;
  }

  static int prune(Tx tx, Instant expiredBefore) throws SQLException {
    Connection c = tx.connection();
    List<Long> seqs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT seq, entry_id FROM registered_entries "
        + "WHERE expires_at > 0 AND expires_at < ? ORDER BY seq" + tx.rowLock())) {
      s.setLong(1, expiredBefore.getEpochSecond());
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          seqs.add(rs.getLong(1));
          ids.add(rs.getString(2));
        }
      }
    }
    for (long seq : seqs) {
      deleteBySeq(c, seq);
    }
    ids.forEach(id -> tx.changed(ChangeEvent.Kind.ENTRY, id));
    return ids.size();
  }

  static void deleteBySeq(Connection c, long seq) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM registered_entries WHERE seq = ?")) {
      s.setLong(1, seq);
      s.executeUpdate();
    }
  }

  /** The entry's sequence number, optionally locking its row until the transaction ends; null when absent. */
  private static Long lockSeq(Tx tx, String entryId, boolean lock) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement("SELECT seq FROM registered_entries WHERE entry_id = ?"
        + (lock ? tx.rowLock() : ""))) {
      s.setString(1, entryId);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static void checkContent(Connection c, RegistrationEntry entry) throws SQLException {
    if (entry.selectors().isEmpty()) {
      throw DataStoreException.invalid("invalid registration entry \"" + entry.spiffeId() + "\": missing selector list");
    }
    Set<String> known = new HashSet<>();
    if (!entry.federatesWith().isEmpty()) {
      Sql query = new Sql("SELECT trust_domain FROM bundles WHERE trust_domain IN ("
          + Sql.markers(entry.federatesWith().size()) + ")").add("", entry.federatesWith().toArray());
      try (PreparedStatement s = query.prepare(c); ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          known.add(rs.getString(1));
        }
      }
    }
    for (String td : entry.federatesWith()) {
      if (!known.contains(td)) {
        throw DataStoreException.invalid("unable to find federated bundle \"" + td + "\"");
      }
    }
  }

  private static void checkNoTwin(Connection c, String identity, long ownSeq, RegistrationEntry entry)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT entry_id FROM registered_entries WHERE identity_key = ? AND seq <> ?")) {
      s.setString(1, identity);
      s.setLong(2, ownSeq);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          throw DataStoreException.alreadyExists("similar entry already exists: entry \"" + rs.getString(1)
              + "\" has spiffe id \"" + entry.spiffeId() + "\", parent id \"" + entry.parentId()
              + "\" and the same selectors");
        }
      }
    }
  }

  private static Set<String> checkMask(Set<String> mask) {
    for (String field : mask) {
      if (!RegistrationEntry.UPDATABLE_FIELDS.contains(field)) {
        throw DataStoreException.invalid("entry field \"" + field + "\" cannot be updated");
      }
    }
    return Set.copyOf(mask);
  }

  private static String childField(String table) {
    return switch (table) {
      case "entry_selectors" -> "selectors";
      case "entry_federates_with" -> "federates_with";
      default -> "dns_names";
    };
  }

  /** Binds x509 ttl … hint and the two attributes (10 columns) starting at {@code index}. */
  private static void bindScalars(PreparedStatement s, int index, RegistrationEntry e) throws SQLException {
    s.setInt(index, e.x509SvidTtl());
    s.setInt(index + 1, e.jwtSvidTtl());
    s.setBoolean(index + 2, e.admin());
    s.setBoolean(index + 3, e.downstream());
    s.setLong(index + 4, e.expiresAt());
    s.setLong(index + 5, e.revisionNumber());
    s.setBoolean(index + 6, e.storeSvid());
    s.setString(index + 7, e.hint());
    s.setBoolean(index + 8, e.attributes().disableX509SvidPrefetch());
    s.setBoolean(index + 9, e.attributes().jwtSvidIncludeJti());
  }

  private static void insertChildren(Connection c, long seq, RegistrationEntry e, Set<String> fields)
      throws SQLException {
    if (fields.contains("selectors")) {
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO entry_selectors (entry_seq, ordinal, type, value) VALUES (?, ?, ?, ?)")) {
        int ordinal = 0;
        for (Selector selector : e.selectors()) {
          s.setLong(1, seq);
          s.setInt(2, ordinal++);
          s.setString(3, selector.type());
          s.setString(4, selector.value());
          s.addBatch();
        }
        s.executeBatch();
      }
    }
    if (fields.contains("federates_with")) {
      insertStrings(c, "INSERT INTO entry_federates_with (entry_seq, ordinal, trust_domain) VALUES (?, ?, ?)", seq,
          e.federatesWith());
    }
    if (fields.contains("dns_names")) {
      insertStrings(c, "INSERT INTO entry_dns_names (entry_seq, ordinal, dns_name) VALUES (?, ?, ?)", seq,
          e.dnsNames());
    }
  }

  private static void insertStrings(Connection c, String sql, long seq, List<String> values) throws SQLException {
    if (values.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(sql)) {
      int ordinal = 0;
      for (String value : values) {
        s.setLong(1, seq);
        s.setInt(2, ordinal++);
        s.setString(3, value);
        s.addBatch();
      }
      s.executeBatch();
    }
  }
}
