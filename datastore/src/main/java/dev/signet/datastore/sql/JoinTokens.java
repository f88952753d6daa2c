package dev.signet.datastore.sql;

import dev.signet.datastore.ChangeEvent;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.JoinToken;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Join tokens. Consumption is decided by the row count of {@code DELETE … WHERE token = ?}: a row can be
 * deleted once, and a concurrent deleter blocks on the row lock and then deletes nothing, so exactly one
 * caller wins on either database. Tokens are secrets: messages and events carry a fingerprint only.
 */
final class JoinTokens {
  private JoinTokens() {}

  static void create(Tx tx, JoinToken token) throws SQLException {
    Connection c = tx.connection();
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM join_tokens WHERE token = ?")) {
      s.setString(1, token.token());
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          throw DataStoreException.alreadyExists("join token " + fingerprint(token.token()) + " already exists");
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO join_tokens (token, expires_at) VALUES (?, ?)")) {
      s.setString(1, token.token());
      s.setLong(2, token.expiresAt().toEpochMilli());
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.JOIN_TOKEN, fingerprint(token.token()));
  }

  static Optional<Instant> consume(Tx tx, String token) throws SQLException {
    Connection c = tx.connection();
    Long expiresAt = null;
    try (PreparedStatement s = c.prepareStatement("SELECT expires_at FROM join_tokens WHERE token = ?")) {
      s.setString(1, token);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          expiresAt = rs.getLong(1);
        }
      }
    }
    if (expiresAt == null) {
      return Optional.empty();
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM join_tokens WHERE token = ?")) {
      s.setString(1, token);
      if (s.executeUpdate() != 1) {
        return Optional.empty(); // another consumer deleted it first
      }
    }
    tx.changed(ChangeEvent.Kind.JOIN_TOKEN, fingerprint(token));
    return Optional.of(Instant.ofEpochMilli(expiresAt));
  }

  static int prune(Tx tx, Instant expiredBefore) throws SQLException {
    try (PreparedStatement s = tx.connection().prepareStatement("DELETE FROM join_tokens WHERE expires_at < ?")) {
      s.setLong(1, expiredBefore.toEpochMilli());
      int pruned = s.executeUpdate();
      if (pruned > 0) {
        tx.changed(ChangeEvent.Kind.JOIN_TOKEN, "pruned:" + pruned);
      }
      return pruned;
    }
  }

  /** {@code sha256:} and the first 16 hex digits of the token's SHA-256; identifies without revealing. */
  static String fingerprint(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
