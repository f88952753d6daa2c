package dev.signet.datastore.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.secret.Secret;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlConfigTest {
  private static final Path DATA_DIR = Path.of("/var/lib/signet/server");

  @Test
  void defaultsToASqliteFileUnderTheDataDir() {
    SqlConfig config = SqlConfig.fromPluginData(Map.of());
    JdbcTarget target = config.target(DATA_DIR);

    assertThat(config.databaseType()).isEqualTo(DatabaseType.SQLITE3);
    assertThat(target.dialect()).isEqualTo(SqlDialect.SQLITE);
    assertThat(target.jdbcUrl()).isEqualTo("jdbc:sqlite:/var/lib/signet/server/datastore.sqlite3");
    assertThat(config.legacyH2Base(DATA_DIR)).contains(DATA_DIR.resolve("datastore"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/opt/spire/data/server/datastore.sqlite3 | /opt/spire/data/server/datastore.sqlite3 | /opt/spire/data/server/datastore",
      "file:/srv/spire.db?_busy_timeout=5000&cache=shared | /srv/spire.db | /srv/spire",
      "jdbc:sqlite:/srv/store | /srv/store | /srv/store",
      "'' | /var/lib/signet/server/datastore.sqlite3 | /var/lib/signet/server/datastore"})
  void sqlite3TakesSpiresConnectionStrings(String connectionString, String file, String legacyH2Base) {
    SqlConfig config = SqlConfig.fromPluginData(Map.of("database_type", "sqlite3",
        "connection_string", connectionString));

    assertThat(config.target(DATA_DIR).jdbcUrl()).isEqualTo("jdbc:sqlite:" + file);
    assertThat(config.legacyH2Base(DATA_DIR)).contains(Path.of(legacyH2Base));
  }

  @Test
  void sqlite3RefusesAnInMemoryDatabaseAndForeignUrls() {
    assertThatThrownBy(() -> SqlConfig.fromPluginData(Map.of("database_type", "sqlite3",
        "connection_string", "file::memory:?cache=shared")).target(DATA_DIR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in-memory");
    assertThatThrownBy(() -> new SqlConfig(DatabaseType.SQLITE3, "jdbc:h2:file:/x", 0, 2, null, false)
        .target(DATA_DIR)).hasMessageContaining("not a sqlite url");
  }

  @Test
  void h2IsStillSelectableWithThePostgresCompatibleSettings() {
    SqlConfig config = SqlConfig.fromPluginData(Map.of("database_type", "h2"));

    assertThat(config.target(DATA_DIR).jdbcUrl()).isEqualTo("jdbc:h2:file:/var/lib/signet/server/datastore;"
        + "MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;NON_KEYWORDS=VALUE;LOCK_TIMEOUT=10000;"
        + "WRITE_DELAY=0;RETENTION_TIME=600000");
    assertThat(config.legacyH2Base(DATA_DIR)).isEmpty();
  }

  @Test
  void readsEveryKey() {
    SqlConfig config = SqlConfig.fromPluginData(Map.of("database_type", "postgres",
        "connection_string", "dbname=spire host=db", "max_open_conns", 20L, "max_idle_conns", "5",
        "conn_max_lifetime", "1h30m", "disable_migration", true, "log_sql", false));

    assertThat(config).isEqualTo(new SqlConfig(DatabaseType.POSTGRES, "dbname=spire host=db", 20, 5,
        Duration.ofMinutes(90), true));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "database_type=mysql | database_type \"mysql\" is not supported",
      "colour=blue | unknown plugin_data key \"colour\"",
      "ro_connection_string=x | \"ro_connection_string\" is not supported",
      "max_open_conns=-1 | max_open_conns -1 is negative",
      "max_idle_conns=lots | max_idle_conns \"lots\" is not an integer",
      "conn_max_lifetime=soon | conn_max_lifetime",
      "disable_migration=perhaps | disable_migration \"perhaps\" is not a boolean",
      "database_type=postgres | connection_string is required"})
  void badValuesAreClearErrors(String keyValue, String message) {
    String[] kv = keyValue.split("=", 2);

    assertThatThrownBy(() -> SqlConfig.fromPluginData(Map.of(kv[0], kv[1])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("sql: ").hasMessageContaining(message);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "dbname=spire user=spire password='p w\\'d' host=db.internal port=6543 sslmode=require"
          + " | jdbc:postgresql://db.internal:6543/spire?sslmode=require | spire | p w'd",
      "postgres://spire:s%40cret@db:5433/spiredb?sslmode=disable&connect_timeout=5"
          + " | jdbc:postgresql://db:5433/spiredb?sslmode=disable&connectTimeout=5 | spire | s@cret",
      "jdbc:postgresql://db/x?user=a | jdbc:postgresql://db/x?user=a | | ",
      "host=127.0.0.1 | jdbc:postgresql://127.0.0.1:5432/postgres | | "})
  void postgresConnectionStrings(String connectionString, String url, String user, String password) {
    JdbcTarget target = new SqlConfig(DatabaseType.POSTGRES, connectionString, 0, 2, Duration.ZERO, false)
        .target(null);

    assertThat(target.dialect()).isEqualTo(SqlDialect.POSTGRES);
    assertThat(target.jdbcUrl()).isEqualTo(url);
    assertThat(target.user()).isEqualTo(user);
    assertThat(target.password()).isEqualTo(Secret.ofNullable(password));
    if (password != null) {
      assertThat(target.toString()).doesNotContain(password);
    }
  }

  @Test
  void unknownPostgresParametersAreRefused() {
    SqlConfig config = new SqlConfig(DatabaseType.POSTGRES, "host=db pool_size=5", 0, 2, Duration.ZERO, false);

    assertThatThrownBy(() -> config.target(null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("connection_string parameter \"pool_size\" is not supported");
  }

  @Test
  void h2AcceptsAPathOrAJdbcUrlAndRefusesForeignUrls() {
    assertThat(new SqlConfig(DatabaseType.H2, "/srv/store.mv.db", 0, 2, null, false).target(null).jdbcUrl())
        .startsWith("jdbc:h2:file:/srv/store;MODE=PostgreSQL");
    assertThat(new SqlConfig(DatabaseType.H2, "jdbc:h2:mem:x;MODE=PostgreSQL", 0, 2, null, false).target(null)
        .jdbcUrl()).isEqualTo("jdbc:h2:mem:x;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
            + "NON_KEYWORDS=VALUE;LOCK_TIMEOUT=10000;WRITE_DELAY=0;RETENTION_TIME=600000");
    assertThatThrownBy(() -> new SqlConfig(DatabaseType.H2, "jdbc:mysql://x", 0, 2, null, false).target(null))
        .hasMessageContaining("not an h2 url");
  }
}
