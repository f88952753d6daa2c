package dev.signet.datastore.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's HikariCP pools, built from {@link SqlConfig}'s SPIRE-style pool settings: one pool on H2 and
 * PostgreSQL; on SQLite, which admits one writer at a time, a writer pool of one connection and a reader
 * pool (see {@link SqlDialect#SQLITE}).
 *
 * @param writer the connections write transactions and migrations use
 * @param reader the connections reads use; the same pool as {@code writer} unless the database has a single
 *     writer
 */
record Pools(HikariDataSource writer, HikariDataSource reader) implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
  /** HikariCP refuses shorter connection lifetimes. */
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(30);
  /** How long a call waits for a connection of an embedded store (a busy single writer, not an outage). */
  private static final Duration EMBEDDED_WAIT = Duration.ofSeconds(30);
  /**
   * How long a call waits for a PostgreSQL connection. When the database is down every attempt is refused at
   * once, yet the pool would hold each call for its whole wait: a request touching the store three times took
   * over a minute to be answered UNAVAILABLE (issue 15's outage test). Five seconds answers within seconds, as
   * SPIRE does, and is far above a healthy pool's wait.
   */
  private static final Duration NETWORK_WAIT = Duration.ofSeconds(5);

  static Pools open(SqlConfig config, JdbcTarget target) {
    int max = config.maxOpenConns() == 0 ? SqlConfig.DEFAULT_MAX_OPEN_CONNS : config.maxOpenConns();
    Duration lifetime = config.connMaxLifetime();
    if (!lifetime.isZero() && lifetime.compareTo(MIN_LIFETIME) < 0) {
      LOG.warn("sql: conn_max_lifetime \"{}\" is below the pool's minimum; using 30s", lifetime);
      lifetime = MIN_LIFETIME;
    }
    SqlDialect dialect = target.dialect();
    if (!dialect.singleWriter()) {
      HikariDataSource pool = pool("signet-datastore", config, target, max, lifetime, dialect.writerProperties());
      return new Pools(pool, pool);
    }
    HikariDataSource writer = pool("signet-datastore-writer", config, target, 1, lifetime,
        dialect.writerProperties());
    try {
      return new Pools(writer, pool("signet-datastore-reader", config, target, Math.max(1, max - 1), lifetime,
          dialect.readerProperties()));
    } catch (RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  boolean isClosed() {
    return writer.isClosed();
  }

  @Override
  public void close() {
    if (reader != writer) {
      reader.close();
    }
    writer.close();
  }

  private static HikariDataSource pool(String name, SqlConfig config, JdbcTarget target, int size,
      Duration lifetime, Map<String, String> properties) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(name);
    hikari.setJdbcUrl(target.jdbcUrl());
    hikari.setDriverClassName(target.dialect().driverClass());
    properties.forEach(hikari::addDataSourceProperty);
    if (target.user() != null) {
      hikari.setUsername(target.user());
    }
    if (target.password() != null) {
      hikari.setPassword(target.password().reveal());
    }
    hikari.setMaximumPoolSize(size);
    hikari.setMinimumIdle(Math.min(config.maxIdleConns(), size));
    hikari.setMaxLifetime(lifetime.toMillis());
    hikari.setConnectionTimeout((target.dialect() == SqlDialect.POSTGRES ? NETWORK_WAIT : EMBEDDED_WAIT).toMillis());
    hikari.setInitializationFailTimeout(-1); // failures surface from the first query, as DataStoreException
    return new HikariDataSource(hikari);
  }
}
