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
 * Join tokens, stored as the hex SHA-256 of the token ({@code join_tokens.token_hash}), never the token:
 * a copy of the database (a backup, a readable H2 file, a replica) gives nothing an agent could attest
 * with. Tokens are long random values, so an unsalted hash cannot be reversed by guessing. (As in SPIRE, an
 * agent attested with a token gets the ID {@code spiffe://<td>/spire/agent/join_token/<token>}, so a node
 * alias entry made with the token names it in its parent ID; that row is protected by the store's file
 * mode and the admin-only entry APIs, not by this hash.)
 *
 * <p>A presented token is found by looking its hash up as the primary key. That comparison is not
 * constant-time, and need not be: what an index lookup's timing could leak is how much of the stored hash
 * a guess's hash matches, and learning the hash of a secret does not help find a value with that hash.
 *
 * <p>Consumption is decided by the row count of {@code DELETE … WHERE token_hash = ?}: a row can be deleted
 * once, and a concurrent deleter blocks on the row lock and then deletes nothing, so exactly one caller wins
 * on either database. Messages and events carry a {@linkplain #fingerprint fingerprint} only.
 */
final class JoinTokens {
  private JoinTokens() {}

  static void create(Tx tx, JoinToken token) throws SQLException {
    Connection c = tx.connection();
    String hash = hash(token.token().reveal());
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM join_tokens WHERE token_hash = ?")) {
      s.setString(1, hash);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          throw DataStoreException.alreadyExists("join token " + fingerprint(token.token().reveal()) + " already exists");
        }
      }
    }
    try (PreparedStatement s = c.prepareStatement("INSERT INTO join_tokens (token_hash, expires_at) VALUES (?, ?)")) {
      s.setString(1, hash);
      s.setLong(2, token.expiresAt().toEpochMilli());
      s.executeUpdate();
    }
    tx.changed(ChangeEvent.Kind.JOIN_TOKEN, fingerprint(token.token().reveal()));
  }

  static Optional<Instant> consume(Tx tx, String token) throws SQLException {
    Connection c = tx.connection();
    String hash = hash(token);
    Long expiresAt = null;
    try (PreparedStatement s = c.prepareStatement("SELECT expires_at FROM join_tokens WHERE token_hash = ?")) {
      s.setString(1, hash);
      try (ResultSet rs = s.executeQuery()) {
        if (rs.next()) {
          expiresAt = rs.getLong(1);
        }
      }
    }
    if (expiresAt == null) {
      return Optional.empty();
    }
    try (PreparedStatement s = c.prepareStatement("DELETE FROM join_tokens WHERE token_hash = ?")) {
      s.setString(1, hash);
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

  /** What is stored for {@code token}: the lower-case hex SHA-256 of its UTF-8 bytes (64 characters). */
  static String hash(String token) {
    return HexFormat.of().formatHex(sha256(token));
  }

  /** {@code sha256:} and the first 16 hex digits of the token's SHA-256; identifies without revealing. */
  static String fingerprint(String token) {
    return "sha256:" + HexFormat.of().formatHex(sha256(token), 0, 8);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from the JDK", e);
    }
  }
}
