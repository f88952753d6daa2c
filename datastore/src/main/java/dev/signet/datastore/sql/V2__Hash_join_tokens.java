package dev.signet.datastore.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 2: join tokens are kept as their SHA-256 ({@link JoinTokens#hash}). Each stored
 * plaintext token is replaced by its hash in place (same row, same expiry), so a token issued before the
 * upgrade still attests, once; then the column is renamed {@code token} → {@code token_hash}, so code that
 * still wrote plaintext would fail rather than store a secret. A Java migration because H2
 * ({@code HASH('SHA-256', …)}) and PostgreSQL ({@code sha256(bytea)}) share no SQL hash function; the same
 * code runs on both, in Flyway's transaction.
 */
public final class V2__Hash_join_tokens extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    Connection c = context.getConnection();
    List<String> tokens = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT token FROM join_tokens")) {
      while (rs.next()) {
        tokens.add(rs.getString(1));
      }
    }
    try (PreparedStatement s = c.prepareStatement("UPDATE join_tokens SET token = ? WHERE token = ?")) {
      for (String token : tokens) {
        s.setString(1, JoinTokens.hash(token));
        s.setString(2, token);
        s.addBatch();
      }
      if (!tokens.isEmpty()) {
        s.executeBatch();
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("ALTER TABLE join_tokens RENAME COLUMN token TO token_hash");
    }
  }
}
