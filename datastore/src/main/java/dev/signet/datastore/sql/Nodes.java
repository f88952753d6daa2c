package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.NodeFilter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Attested nodes and node selectors. Every method runs inside the caller's connection or transaction. */
final class Nodes {
  /** A node and its internal sequence number (the paging key). */
  record Row(long seq, AttestedNode node) {}

  private static final String COLUMNS = "n.seq, n.spiffe_id, n.attestation_type, n.serial_number, n.expires_at, "
      + "n.new_serial_number, n.new_expires_at, n.can_reattest, n.banned, n.agent_version";

  private Nodes() {}

  static AttestedNode create(Tx tx, AttestedNode node, Instant now) throws SQLException {
    Connection c = tx.connection();
    if (lock(tx, node.spiffeId()) != null) {
      throw DataStoreException.alreadyExists("node \"" + node.spiffeId() + "\" is already attested");
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO attested_nodes (spiffe_id, attestation_type, "
        + "serial_number, expires_at, new_serial_number, new_expires_at, can_reattest, banned, created_at, "
        + "agent_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setString(1, node.spiffeId().toString());
      s.setString(2, node.attestationDataType());
      s.setString(3, node.certSerialNumber());
      setInstant(s, 4, node.certNotAfter());
      s.setString(5, node.newCertSerialNumber());
      setInstant(s, 6, node.newCertNotAfter());
      s.setBoolean(7, node.canReattest());
      s.setBoolean(8, node.banned());
      s.setLong(9, now.toEpochMilli());
      s.setString(10, node.agentVersion());
      s.executeUpdate();
    }
    writeSelectors(c, node.spiffeId(), node.selectors());
    tx.changed(ChangeEvent.Kind.NODE, node.spiffeId().toString());
    return read(c, new Sql("SELECT " + COLUMNS + " FROM attested_nodes n WHERE n.spiffe_id = ?",
        node.spiffeId().toString())).getFirst().node();
  }

  static AttestedNode updateSerials(Tx tx, SpiffeId id, String serial, Instant notAfter, String newSerial,
      Instant newNotAfter) throws SQLException {
    Connection c = tx.connection();
    AttestedNode current = require(tx, id);
    if (current.banned()) {
      throw DataStoreException.conflict("node \"" + id + "\" is banned");
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE attested_nodes SET serial_number = ?, expires_at = ?, "
        + "new_serial_number = ?, new_expires_at = ? WHERE spiffe_id = ?")) {
      s.setString(1, serial == null ? "" : serial);
      setInstant(s, 2, notAfter);
      s.setString(3, newSerial == null ? "" : newSerial);
      setInstant(s, 4, newNotAfter);
      s.setString(5, id.toString());
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.NODE, id.toString());
    return require(tx, id);
  }

  /** SPIRE bans by clearing both serials; the banned flag also keeps a racing renewal from reviving it. */
  static AttestedNode ban(Tx tx, SpiffeId id) throws SQLException {
    Connection c = tx.connection();
    require(tx, id);
    try (PreparedStatement s = c.prepareStatement("UPDATE attested_nodes SET serial_number = '', "
        + "new_serial_number = '', banned = TRUE WHERE spiffe_id = ?")) {
      s.setString(1, id.toString());
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.NODE, id.toString());
    return require(tx, id);
  }

  static AttestedNode delete(Tx tx, SpiffeId id) throws SQLException {
    Connection c = tx.connection();
    AttestedNode node = require(tx, id);
    try (PreparedStatement s = c.prepareStatement("DELETE FROM attested_nodes WHERE spiffe_id = ?")) {
      s.setString(1, id.toString());
      s.executeUpdate();
    }
    writeSelectors(c, id, List.of());
    tx.changed(ChangeEvent.Kind.NODE, id.toString());
    return node;
  }

  static AttestedNode setAgentVersion(Tx tx, SpiffeId id, String agentVersion) throws SQLException {
    require(tx, id);
    try (PreparedStatement s = tx.connection().prepareStatement(
        "UPDATE attested_nodes SET agent_version = ? WHERE spiffe_id = ?")) {
      s.setString(1, agentVersion);
      s.setString(2, id.toString());
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.NODE, id.toString());
    return require(tx, id);
  }

  static void setSelectors(Tx tx, SpiffeId id, List<Selector> selectors) throws SQLException {
    lock(tx, id); // serializes concurrent replacements of an attested node's selectors
    writeSelectors(tx.connection(), id, List.copyOf(new LinkedHashSet<>(selectors)));
    tx.changed(ChangeEvent.Kind.NODE, id.toString());
  }

  static List<Selector> selectors(Connection c, SpiffeId id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT type, value FROM node_selectors WHERE spiffe_id = ? ORDER BY ordinal")) {
      s.setString(1, id.toString());
      List<Selector> selectors = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          selectors.add(new Selector(rs.getString(1), rs.getString(2)));
        }
      }
      return selectors;
    }
  }

  static Optional<AttestedNode> fetch(Connection c, SpiffeId id) throws SQLException {
    List<Row> rows = read(c, new Sql("SELECT " + COLUMNS + " FROM attested_nodes n WHERE n.spiffe_id = ?",
        id.toString()));
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst().node());
  }

  /** Nodes matching {@code filter} after sequence {@code after}, at most {@code limit + 1} (0: all). */
  static List<Row> list(Connection c, NodeFilter filter, long after, int limit) throws SQLException {
    Sql query = new Sql("SELECT " + COLUMNS + " FROM attested_nodes n").add(where(filter));
    return read(c, Paging.bound(query, "n.seq", after, limit));
  }

  static long count(Connection c, NodeFilter filter) throws SQLException {
    try (PreparedStatement s = new Sql("SELECT COUNT(*) FROM attested_nodes n").add(where(filter)).prepare(c);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Sql where(NodeFilter filter) {
    Sql where = new Sql(" WHERE 1 = 1");
    if (filter.attestationType() != null) {
      where.add(" AND n.attestation_type = ?", filter.attestationType());
    }
    if (filter.banned() != null) {
      where.add(" AND n.banned = ?", filter.banned());
    }
    if (filter.canReattest() != null) {
      where.add(" AND n.can_reattest = ?", filter.canReattest());
    }
    if (filter.expiresBefore() != null) {
      where.add(" AND n.expires_at < ?", filter.expiresBefore().toEpochMilli());
    }
    if (filter.selectors() != null) {
      if (filter.selectors().isEmpty()) {
        throw DataStoreException.invalid("cannot filter nodes by an empty selector set");
      }
      List<List<String>> tuples = new LinkedHashSet<>(filter.selectors()).stream()
          .map(s -> List.of(s.type(), s.value())).toList();
      where.add(" AND ").add(SetMatch.condition("n.spiffe_id", "node_selectors", "spiffe_id",
          List.of("type", "value"), tuples, filter.selectorMatch()));
    }
    return where;
  }

  private static AttestedNode require(Tx tx, SpiffeId id) throws SQLException {
    if (lock(tx, id) == null) {
      throw DataStoreException.notFound("node \"" + id + "\" not found");
    }
    return fetch(tx.connection(), id).orElseThrow();
  }

  /** Locks the node's row until the transaction ends; null when there is none. */
  private static Long lock(Tx tx, SpiffeId id) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement("SELECT seq FROM attested_nodes WHERE spiffe_id = ?"
        + tx.rowLock())) {
      s.setString(1, id.toString());
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static List<Row> read(Connection c, Sql query) throws SQLException {
    List<Columns> raw = new ArrayList<>();
    try (PreparedStatement s = query.prepare(c); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        raw.add(new Columns(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
            rs.getString(6), instant(rs, 7), rs.getBoolean(8), rs.getBoolean(9), rs.getString(10)));
      }
    }
    Map<String, List<Selector>> selectors = selectorsOf(c, raw.stream().map(Columns::id).toList());
    List<Row> rows = new ArrayList<>(raw.size());
    for (Columns r : raw) {
      rows.add(new Row(r.seq(), new AttestedNode(SpiffeId.parse(r.id()), r.type(), r.serial(), r.notAfter(),
          r.newSerial(), r.newNotAfter(), r.canReattest(), r.banned(), selectors.getOrDefault(r.id(), List.of()),
          r.agentVersion())));
    }
    return rows;
  }

  private record Columns(long seq, String id, String type, String serial, Instant notAfter, String newSerial,
      Instant newNotAfter, boolean canReattest, boolean banned, String agentVersion) {}

  private static Map<String, List<Selector>> selectorsOf(Connection c, List<String> ids) throws SQLException {
    Map<String, List<Selector>> result = new HashMap<>();
    for (int from = 0; from < ids.size(); from += Sql.IN_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + Sql.IN_CHUNK));
      Sql query = new Sql("SELECT spiffe_id, type, value FROM node_selectors WHERE spiffe_id IN ("
          + Sql.markers(chunk.size()) + ") ORDER BY spiffe_id, ordinal", chunk.toArray());
      try (PreparedStatement s = query.prepare(c); ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          result.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
              .add(new Selector(rs.getString(2), rs.getString(3)));
        }
      }
    }
    return result;
  }

  private static void writeSelectors(Connection c, SpiffeId id, List<Selector> selectors) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM node_selectors WHERE spiffe_id = ?")) {
      s.setString(1, id.toString());
      s.executeUpdate();
    }
    if (selectors.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO node_selectors (spiffe_id, ordinal, type, value) VALUES (?, ?, ?, ?)")) {
      int ordinal = 0;
      for (Selector selector : selectors) {
        s.setString(1, id.toString());
        s.setInt(2, ordinal++);
        s.setString(3, selector.type());
        s.setString(4, selector.value());
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static void setInstant(PreparedStatement s, int index, Instant instant) throws SQLException {
    if (instant == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, instant.toEpochMilli());
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long millis = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
  }
}
