package dev.signet.datastore.sql;

import com.zaxxer.hikari.HikariDataSource;
import dev.signet.datastore.DataStoreException;
import dev.signet.datastore.ItemOutcome;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs reads and write transactions on the pool. A write runs its work, appends its change events
 * (taking the event-head row lock last, so lock order is always "data rows, then event head" and no
 * deadlock cycle involves the log), commits, and makes the commit durable ({@link CommitDurability}) before
 * returning, so nothing it acknowledges is lost on a crash; deadlocks and serialization failures are retried a
 * few times, every other failure rolls back and surfaces as a {@link DataStoreException}.
 *
 * <p>A connection whose rollback fails is evicted from its pool, never reused: its transaction state is
 * unknown. SQLite, for one, rolls a transaction back by itself on SQLITE_FULL (a full disk); the driver
 * still believes a transaction is open, so on that connection every later statement would commit on its
 * own (a multi-statement write no longer atomic) and every later commit would fail, until a restart
 * (issue 15, fault 6).
 */
final class Transactions {
  private static final int MAX_ATTEMPTS = 5;

  private final Pools pools;
  private final SqlDialect dialect;
  private final EventLog events;
  private final Clock clock;
  private final CommitDurability durability;

  Transactions(Pools pools, SqlDialect dialect, EventLog events, Clock clock, CommitDurability durability) {
    this.pools = pools;
    this.dialect = dialect;
    this.events = events;
    this.clock = clock;
    this.durability = durability;
  }

  /**
   * Runs {@code work} in a read transaction of one snapshot ({@link SqlDialect#prepareRead}), so the several
   * queries of one read (entry rows, then their selectors…) agree; {@code action} describes it for errors.
   */
  <T> T read(Supplier<String> action, SqlWork<Connection, T> work) {
    try (Connection connection = pools.reader().getConnection()) {
      connection.setAutoCommit(false);
      dialect.prepareRead(connection);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        // the pool restores auto-commit, isolation and read-only when the connection is returned
        rollback(pools.reader(), connection, e);
        throw e;
      }
    } catch (SQLException e) {
      throw SqlErrors.wrap(e, action.get());
    }
  }

  /** Runs {@code work} and its events in one transaction. */
  <T> T write(Supplier<String> action, SqlWork<Tx, T> work) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = pools.writer().getConnection()) {
        try {
          connection.setAutoCommit(false);
          Tx tx = new Tx(connection, dialect);
          T result = work.run(tx);
          events.append(tx, clock.instant());
          connection.commit();
          durability.afterCommit(connection);
          return result;
        } catch (SQLException | RuntimeException e) {
          // the pool restores auto-commit when the connection is returned
          rollback(pools.writer(), connection, e);
          throw e;
        }
      } catch (SQLException e) {
        if (attempt < MAX_ATTEMPTS && SqlErrors.retryable(e)) {
          continue;
        }
        throw SqlErrors.wrap(e, action.get());
      }
    }
  }

  /** One item's work in {@link #writeEach}. */
  @FunctionalInterface
  interface ItemWork<I, T> {
    T run(Tx tx, I item) throws SQLException;
  }

  /**
   * Runs {@code work} for each of {@code items} in one transaction, each item behind a savepoint: an item that
   * fails is rolled back to its savepoint, with its events, and its failure becomes its outcome; the others are
   * committed together and made durable once. A deadlock or serialization failure retries the whole
   * transaction, as {@link #write} does; a failed commit throws and stores nothing. {@code describe} names an
   * item in its failure, {@code action} the whole write.
   */
  <I, T> List<ItemOutcome<T>> writeEach(Supplier<String> action, List<I> items, Function<I, String> describe,
      ItemWork<I, T> work) {
    return write(action, tx -> {
      List<ItemOutcome<T>> outcomes = new ArrayList<>(items.size());
      for (I item : items) {
        Savepoint savepoint = tx.connection().setSavepoint();
        int mark = tx.eventMark();
        try {
          outcomes.add(ItemOutcome.stored(work.run(tx, item)));
          tx.connection().releaseSavepoint(savepoint);
        } catch (DataStoreException e) {
          undo(tx, savepoint, mark);
          outcomes.add(ItemOutcome.failed(e));
        } catch (SQLException e) {
          if (SqlErrors.retryable(e)) {
            throw e;
          }
          undo(tx, savepoint, mark);
          outcomes.add(ItemOutcome.failed(SqlErrors.wrap(e, describe.apply(item))));
        }
      }
      return outcomes;
    });
  }

  private static void undo(Tx tx, Savepoint savepoint, int eventMark) throws SQLException {
    tx.connection().rollback(savepoint);
    tx.discardEventsFrom(eventMark);
  }

  private static void rollback(HikariDataSource pool, Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
      pool.evictConnection(connection);
    }
  }
}
