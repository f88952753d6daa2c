package dev.signet.datastore.sql;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 4: entries keep their {@code additional_attributes} (spire-api-sdk v1.15):
 * {@code disable_x509_svid_prefetch} and {@code jwt_svid_include_jti}, false for existing entries. Statements
 * all three databases (SQLite, H2, PostgreSQL) accept, one column at a time as SQLite requires.
 */
public final class V4__Entry_attributes extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    try (Statement s = context.getConnection().createStatement()) {
      s.execute("ALTER TABLE registered_entries ADD COLUMN disable_x509_svid_prefetch BOOLEAN NOT NULL DEFAULT FALSE");
      s.execute("ALTER TABLE registered_entries ADD COLUMN jwt_svid_include_jti BOOLEAN NOT NULL DEFAULT FALSE");
    }
  }
}
