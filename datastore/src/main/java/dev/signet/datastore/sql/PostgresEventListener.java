package dev.signet.datastore.sql;

import dev.signet.datastore.EventSubscription;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's {@code LISTEN} on {@value #CHANNEL}, to which the {@code change_events} table's trigger
 * ({@link V5__Notify_change_events}) sends one notification per committed transaction that appended events. One
 * dedicated connection outside the pool (a pooled connection could not stay in {@code LISTEN}) and one thread
 * blocked in {@link PGConnection#getNotifications(int)}; every notification batch calls {@code wake}.
 *
 * <p>Nothing is missed across a broken connection (a restarted database, {@code pg_terminate_backend}, a network
 * failure): the thread reconnects with doubling back-off, and once it listens again it calls {@code wake}, so the
 * reader reads whatever was committed while no one listened. A quiet connection is checked every
 * {@link #LIVENESS_CHECK}, so a silently dead one (no reset ever arrives) is replaced as well.
 */
final class PostgresEventListener implements EventSubscription {
  /** The notification channel; the migration's trigger names it too. */
  static final String CHANNEL = "signet_change_events";
  /** The application name the listener's connection shows in {@code pg_stat_activity}. */
  static final String APPLICATION_NAME = "signet-event-listener";
  private static final Logger LOG = LoggerFactory.getLogger(PostgresEventListener.class);
  /** How long one wait for notifications blocks: bounds how long {@link #close()} waits for the thread. */
  private static final int RECEIVE_WAIT_MILLIS = 500;
  private static final Duration LIVENESS_CHECK = Duration.ofSeconds(10);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  /** The longest pause between reconnection attempts: as long as a shared-database reader's fallback poll. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  private static final int CONNECT_TIMEOUT_SECONDS = 5;

  private final JdbcTarget target;
  private final Runnable wake;
  private final Object pause = new Object();
  private final Thread thread;
  private volatile boolean closed;

  private PostgresEventListener(JdbcTarget target, Runnable wake) {
    this.target = target;
    this.wake = wake;
    this.thread = Thread.ofPlatform().daemon().name("signet-datastore-event-listener").unstarted(this::run);
  }

  /** Starts listening on a thread of its own; connection failures are retried there, never thrown here. */
  static PostgresEventListener start(JdbcTarget target, Runnable wake) {
    PostgresEventListener listener = new PostgresEventListener(target, wake);
    listener.thread.start();
    return listener;
  }

  private void run() {
    Duration backoff = FIRST_BACKOFF;
    boolean everConnected = false;
    while (!closed) {
      try (Connection connection = connect()) {
        try (Statement s = connection.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        if (everConnected) {
          LOG.info("sql: listening for change events again");
        }
        everConnected = true;
        backoff = FIRST_BACKOFF;
        wakeReader(); // whatever was committed before the LISTEN took effect is read now
        receive(connection);
      } catch (SQLException e) {
        if (closed) {
          return;
        }
        LOG.warn("sql: the change-event listener's connection failed, retrying in {} ms (readers fall back to "
            + "polling meanwhile): {}", backoff.toMillis(), e.getMessage());
        pauseFor(backoff);
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
      }
    }
  }

  private Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (target.user() != null) {
      properties.setProperty("user", target.user());
    }
    if (target.password() != null) {
      properties.setProperty("password", target.password().reveal());
    }
    // the connection string's own settings (given in the URL) take precedence over these defaults
    properties.setProperty("ApplicationName", APPLICATION_NAME);
    properties.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
    properties.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(target.jdbcUrl(), properties);
  }

  /** Wakes the reader for every batch of notifications until closed; throws when the connection breaks. */
  private void receive(Connection connection) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    long quietSince = System.nanoTime();
    while (!closed) {
      PGNotification[] notifications = pg.getNotifications(RECEIVE_WAIT_MILLIS);
      if (notifications != null && notifications.length > 0) {
        wakeReader();
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > LIVENESS_CHECK.toNanos()) {
        if (!connection.isValid(CONNECT_TIMEOUT_SECONDS)) {
          throw new SQLException("the listening connection stopped answering");
        }
        quietSince = System.nanoTime();
      }
    }
  }

  /** A failing wake is the reader's bug, not the connection's: logged, and the listener goes on. */
  private void wakeReader() {
    try {
      wake.run();
    } catch (RuntimeException e) {
      LOG.error("sql: waking the change-event reader failed", e);
    }
  }

  private void pauseFor(Duration duration) {
    synchronized (pause) {
      long until = System.nanoTime() + duration.toNanos();
      for (long left = duration.toNanos(); left > 0 && !closed; left = until - System.nanoTime()) {
        try {
          pause.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Stops listening and waits for the thread to end, which closes its connection. */
  @Override
  public void close() {
    closed = true;
    synchronized (pause) {
      pause.notifyAll();
    }
    try {
      thread.join(Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS * 2L));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("sql: the change-event listener did not stop within {} s", CONNECT_TIMEOUT_SECONDS * 2);
    }
  }
}
