package dev.signet.datastore.sql;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 3: attested nodes keep the version their agent reports ({@code PostStatus}, spire-api-sdk
 * v1.15's {@code agent_version}); empty until it does. One statement all three databases (SQLite, H2,
 * PostgreSQL) accept, so one migration for them all.
 */
public final class V3__Agent_version extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    try (Statement s = context.getConnection().createStatement()) {
      s.execute("ALTER TABLE attested_nodes ADD COLUMN agent_version VARCHAR(255) NOT NULL DEFAULT ''");
    }
  }
}
