package dev.signet.datastore.sql;

import dev.signet.datastore.DataStoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the dialect's SQL migrations ({@code db/migration} for PostgreSQL and H2, {@code db/sqlite} for
 * SQLite: the same tables, columns and constraints in each database's syntax) and the shared Java migrations
 * with Flyway, or, with {@code disable_migration}, only checks that the schema is already current.
 */
final class Migrations {
  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {}

  static void run(DataSource dataSource, SqlDialect dialect, boolean disableMigration) {
    Flyway flyway = configure(dataSource, dialect).load();
    try {
      if (disableMigration) {
        int pending = flyway.info().pending().length;
        if (pending > 0) {
          throw new DataStoreException(DataStoreException.Kind.INTERNAL, "datastore: schema is not current and "
              + "disable_migration is set; " + pending + " migrations are pending");
        }
        flyway.validate();
      } else {
        int applied = flyway.migrate().migrationsExecuted;
        if (applied > 0) {
          LOG.info("sql: applied {} schema migrations", applied);
        }
      }
    } catch (FlywayException e) {
      throw new DataStoreException(kindOf(e), "datastore: schema migration failed: " + e.getMessage(), e);
    }
  }

  /**
   * The migrations: the dialect's SQL scripts and the Java ones listed here (registered explicitly, not
   * found by scanning).
   */
  static FluentConfiguration configure(DataSource dataSource, SqlDialect dialect) {
    return Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(dialect.migrations())
        .javaMigrations(new V2__Hash_join_tokens(), new V3__Agent_version(), new V4__Entry_attributes(),
            new V5__Notify_change_events())
        .table("signet_schema_history");
  }

  /** The kind of the SQL failure underneath, if any; a broken or foreign schema is INTERNAL. */
  private static DataStoreException.Kind kindOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.sql.SQLException sql) {
        return SqlErrors.wrap(sql, "migrate").kind();
      }
    }
    return DataStoreException.Kind.INTERNAL;
  }
}
