package dev.signet.datastore.sql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the HikariCP pool from {@link SqlConfig}'s SPIRE-style pool settings. */
final class Pools {
  private static final Logger LOG = LoggerFactory.getLogger(Pools.class);
  /** HikariCP refuses shorter connection lifetimes. */
  private static final Duration MIN_LIFETIME = Duration.ofSeconds(30);

  private Pools() {}

  static HikariDataSource open(SqlConfig config, JdbcTarget target) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName("signet-datastore");
    hikari.setJdbcUrl(target.jdbcUrl());
    hikari.setDriverClassName(target.embedded() ? "org.h2.Driver" : "org.postgresql.Driver");
    if (target.user() != null) {
      hikari.setUsername(target.user());
    }
    if (target.password() != null) {
      hikari.setPassword(target.password().reveal());
    }
    int max = config.maxOpenConns() == 0 ? SqlConfig.DEFAULT_MAX_OPEN_CONNS : config.maxOpenConns();
    hikari.setMaximumPoolSize(max);
    hikari.setMinimumIdle(Math.min(config.maxIdleConns(), max));
    Duration lifetime = config.connMaxLifetime();
    if (!lifetime.isZero() && lifetime.compareTo(MIN_LIFETIME) < 0) {
      LOG.warn("sql: conn_max_lifetime \"{}\" is below the pool's minimum; using 30s", lifetime);
      lifetime = MIN_LIFETIME;
    }
    hikari.setMaxLifetime(lifetime.toMillis());
    hikari.setConnectionTimeout(Duration.ofSeconds(30).toMillis());
    hikari.setInitializationFailTimeout(-1); // failures surface from the first query, as DataStoreException
    return new HikariDataSource(hikari);
  }
}
