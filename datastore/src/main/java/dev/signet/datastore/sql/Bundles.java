package dev.signet.datastore.sql;

import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.DeleteMode;
import dev.signet.datastore.StoredBundle;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Trust bundles (own and federated) as opaque bytes keyed by trust domain name. */
final class Bundles {
  private Bundles() {}

  static StoredBundle create(Tx tx, StoredBundle bundle, Instant now) throws SQLException {
    if (fetch(tx.connection(), bundle.trustDomain()).isPresent()) {
      throw DataStoreException.alreadyExists("bundle \"" + bundle.trustDomain() + "\" already exists");
    }
    insert(tx.connection(), bundle, now);
    tx.changed(ChangeEvent.Kind.BUNDLE, bundle.trustDomain());
    return bundle;
  }

  /** Update, else insert; a concurrent insert of the same domain fails the unique key and is retried. */
  static StoredBundle set(Tx tx, StoredBundle bundle, Instant now) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement(
        "UPDATE bundles SET data = ?, updated_at = ? WHERE trust_domain = ?")) {
      s.setBytes(1, bundle.data());
      s.setLong(2, now.toEpochMilli());
      s.setString(3, bundle.trustDomain());
      if (s.executeUpdate() == 0) {
        Upserts.insertOrRetry(() -> insert(tx.connection(), bundle, now));
      }
    }
    tx.changed(ChangeEvent.Kind.BUNDLE, bundle.trustDomain());
    return bundle;
  }

  /**
   * Locks the bundle's row, applies {@code change} and stores its answer. A trust domain without a row has
   * nothing to lock: two first inserts race on the primary key and the loser's transaction is re-run
   * ({@link Upserts}), when it finds and locks the winner's row.
   */
  static Optional<StoredBundle> update(Tx tx, String trustDomain,
      Function<Optional<StoredBundle>, Optional<StoredBundle>> change, Instant now) throws SQLException {
    Optional<StoredBundle> current = fetch(tx.connection(), trustDomain, tx.rowLock());
    Optional<StoredBundle> next = change.apply(current);
    if (next.isEmpty()) {
      return current;
    }
    StoredBundle bundle = next.get();
    if (!bundle.trustDomain().equals(trustDomain)) {
      throw DataStoreException.invalid("bundle of \"" + bundle.trustDomain()
          + "\" cannot replace the bundle of \"" + trustDomain + "\"");
    }
    if (current.isPresent()) {
      try (PreparedStatement s = tx.connection().prepareStatement(
          "UPDATE bundles SET data = ?, updated_at = ? WHERE trust_domain = ?")) {
        s.setBytes(1, bundle.data());
        s.setLong(2, now.toEpochMilli());
        s.setString(3, trustDomain);
        s.executeUpdate();
      }
    } else {
      Upserts.insertOrRetry(() -> insert(tx.connection(), bundle, now));
    }
    tx.changed(ChangeEvent.Kind.BUNDLE, trustDomain);
    return next;
  }

  static Optional<StoredBundle> fetch(Connection c, String trustDomain) throws SQLException {
    return fetch(c, trustDomain, "");
  }

  private static Optional<StoredBundle> fetch(Connection c, String trustDomain, String lock) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT trust_domain, data FROM bundles WHERE trust_domain = ?"
        + lock)) {
      s.setString(1, trustDomain);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(new StoredBundle(rs.getString(1), rs.getBytes(2))) : Optional.empty();
      }
    }
  }

  static List<StoredBundle> list(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT trust_domain, data FROM bundles ORDER BY trust_domain");
        ResultSet rs = s.executeQuery()) {
      List<StoredBundle> bundles = new ArrayList<>();
      while (rs.next()) {
        bundles.add(new StoredBundle(rs.getString(1), rs.getBytes(2)));
      }
      return bundles;
    }
  }

  static void delete(Tx tx, String trustDomain, DeleteMode mode) throws SQLException {
    Connection c = tx.connection();
    try (PreparedStatement s = c.prepareStatement("SELECT trust_domain FROM bundles WHERE trust_domain = ?" + tx.rowLock())) {
      s.setString(1, trustDomain);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw DataStoreException.notFound("bundle \"" + trustDomain + "\" not found");
        }
      }
    }
    List<Long> federating = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT e.seq, e.entry_id FROM registered_entries e "
        + "JOIN entry_federates_with f ON f.entry_seq = e.seq WHERE f.trust_domain = ? ORDER BY e.seq" + tx.rowLock())) {
      s.setString(1, trustDomain);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          federating.add(rs.getLong(1));
          ids.add(rs.getString(2));
        }
      }
    }
    if (!ids.isEmpty()) {
      switch (mode) {
        case RESTRICT -> throw DataStoreException.inUse("cannot delete bundle \"" + trustDomain
            + "\": federated with " + ids.size() + " registration entries");
        case DELETE -> {
          for (long seq : federating) {
            EntryWriter.deleteBySeq(c, seq);
          }
        }
        case DISSOCIATE -> dissociate(c, trustDomain, federating);
      }
      ids.forEach(id -> tx.changed(ChangeEvent.Kind.ENTRY, id));
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM bundles WHERE trust_domain = ?")) {
      s.setString(1, trustDomain);
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.BUNDLE, trustDomain);
  }

  /** Removes the association and bumps each entry's revision, as any other change to an entry does. */
  private static void dissociate(Connection c, String trustDomain, List<Long> seqs) throws SQLException {
    try (PreparedStatement unlink = c.prepareStatement(
            "DELETE FROM entry_federates_with WHERE entry_seq = ? AND trust_domain = ?");
        PreparedStatement bump = c.prepareStatement(
            "UPDATE registered_entries SET revision_number = revision_number + 1 WHERE seq = ?")) {
      for (long seq : seqs) {
        unlink.setLong(1, seq);
        unlink.setString(2, trustDomain);
        unlink.executeUpdate();
        bump.setLong(1, seq);
        bump.executeUpdate();
      }
    }
  }

  private static void insert(Connection c, StoredBundle bundle, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO bundles (trust_domain, data, updated_at) VALUES (?, ?, ?)")) {
      s.setString(1, bundle.trustDomain());
      s.setBytes(2, bundle.data());
      s.setLong(3, now.toEpochMilli());
      s.executeUpdate();
    }
  }
}
