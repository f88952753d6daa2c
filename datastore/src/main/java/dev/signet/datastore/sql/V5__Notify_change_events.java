package dev.signet.datastore.sql;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 5, PostgreSQL only: a statement-level trigger on {@code change_events} that sends
 * {@code NOTIFY} on {@value PostgresEventListener#CHANNEL}, which wakes the readers of the other servers sharing
 * the database ({@link PostgresEventListener}). Nothing on SQLite and H2, which one process uses alone.
 *
 * <p>Why a trigger rather than a {@code NOTIFY} issued by the writing code in the same transaction: both are
 * transactional (PostgreSQL delivers the notification when, and only if, the transaction commits, and folds the
 * identical notifications of one transaction into one), but the trigger belongs to the table, so every insert
 * into the log notifies whichever code path or server version makes it, including a writer added later that
 * would forget the statement. The payload is empty: the readers read the log itself.
 */
public final class V5__Notify_change_events extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws SQLException {
    if (!"PostgreSQL".equals(context.getConnection().getMetaData().getDatabaseProductName())) {
      return;
    }
    try (Statement s = context.getConnection().createStatement()) {
      s.execute("""
          CREATE FUNCTION signet_notify_change_events() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            PERFORM pg_notify('%s', '');
            RETURN NULL;
          END
          $$""".formatted(PostgresEventListener.CHANNEL));
      s.execute("CREATE TRIGGER change_events_notify AFTER INSERT ON change_events "
          + "FOR EACH STATEMENT EXECUTE FUNCTION signet_notify_change_events()");
    }
  }
}
