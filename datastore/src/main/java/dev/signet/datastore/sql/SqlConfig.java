package dev.signet.datastore.sql;

import dev.signet.common.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code DataStore "sql"} plugin data, key for key SPIRE's: {@code database_type} ({@code sqlite3} — the
 * default, an embedded file under the data dir —, {@code postgres}, or {@code h2}, the embedded default of
 * earlier releases), {@code connection_string}, {@code max_open_conns}, {@code max_idle_conns},
 * {@code conn_max_lifetime} and {@code disable_migration}.
 *
 * @param connectionString for sqlite3: empty (file {@code <data_dir>/datastore.sqlite3}), or SPIRE's file
 *     path, optionally as a {@code file:} URI or a {@code jdbc:sqlite:} URL (URI parameters are ignored: the
 *     store sets its own); for h2: empty (file {@code <data_dir>/datastore}), a file path or a
 *     {@code jdbc:h2:} URL; for postgres: libpq key/value pairs, a {@code postgres://} URL or a
 *     {@code jdbc:postgresql:} URL
 * @param maxOpenConns pool size; 0 means SPIRE's default of 100
 * @param maxIdleConns connections kept open while idle (SPIRE's default is 2)
 * @param connMaxLifetime zero for unlimited
 * @param disableMigration when true the schema is validated, never changed
 */
public record SqlConfig(DatabaseType databaseType, String connectionString, int maxOpenConns, int maxIdleConns,
    Duration connMaxLifetime, boolean disableMigration) {

  /** SPIRE's default {@code max_open_conns}. */
  public static final int DEFAULT_MAX_OPEN_CONNS = 100;
  /** Go's {@code database/sql} default for idle connections, which SPIRE inherits. */
  public static final int DEFAULT_MAX_IDLE_CONNS = 2;

  private static final Set<String> KEYS = Set.of("database_type", "connection_string", "max_open_conns",
      "max_idle_conns", "conn_max_lifetime", "disable_migration", "log_sql");
  private static final Set<String> UNSUPPORTED_SPIRE_KEYS = Set.of("ro_connection_string", "root_ca_path",
      "client_cert_path", "client_key_path");

  public SqlConfig {
    databaseType = databaseType == null ? DatabaseType.SQLITE3 : databaseType;
    connectionString = connectionString == null ? "" : connectionString;
    if (maxOpenConns < 0) {
      throw new IllegalArgumentException("max_open_conns " + maxOpenConns + " is negative");
    }
    if (maxIdleConns < 0) {
      throw new IllegalArgumentException("max_idle_conns " + maxIdleConns + " is negative");
    }
    connMaxLifetime = connMaxLifetime == null ? Duration.ZERO : connMaxLifetime;
    if (connMaxLifetime.isNegative()) {
      throw new IllegalArgumentException("conn_max_lifetime \"" + connMaxLifetime + "\" is negative");
    }
    if (databaseType == DatabaseType.POSTGRES && connectionString.isBlank()) {
      throw new IllegalArgumentException("connection_string is required for database_type \"postgres\"");
    }
  }

  /** The embedded SQLite default. */
  public static SqlConfig defaults() {
    return new SqlConfig(DatabaseType.SQLITE3, "", 0, DEFAULT_MAX_IDLE_CONNS, Duration.ZERO, false);
  }

  /** An in-memory H2 store named {@code name} (tests, benchmarks). */
  public static SqlConfig inMemory(String name) {
    return new SqlConfig(DatabaseType.H2, H2Urls.memory(name), 4, 1, Duration.ZERO, false);
  }

  /**
   * Checks the plugin data block ({@code plugin_data { … }}) as parsed from HCL: numbers may arrive as
   * any {@link Number} or numeric text, booleans as {@link Boolean} or text, durations as Go text
   * ({@code "1h"}) or seconds. Unknown keys are errors that name the key.
   */
  public static SqlConfig fromPluginData(Map<String, ?> data) {
    Map<String, Object> rest = new LinkedHashMap<>(data);
    for (String key : rest.keySet()) {
      if (UNSUPPORTED_SPIRE_KEYS.contains(key)) {
        throw new IllegalArgumentException("sql: plugin_data key \"" + key + "\" is not supported by signet");
      }
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("sql: unknown plugin_data key \"" + key + "\"");
      }
    }
    try {
      return new SqlConfig(
          DatabaseType.parse(text(rest, "database_type")),
          text(rest, "connection_string"),
          integer(rest, "max_open_conns", 0),
          integer(rest, "max_idle_conns", DEFAULT_MAX_IDLE_CONNS),
          duration(rest, "conn_max_lifetime"),
          bool(rest, "disable_migration"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sql: " + e.getMessage(), e);
    }
  }

  /** Where to connect. */
  JdbcTarget target(Path dataDir) {
    return switch (databaseType) {
      case POSTGRES -> PostgresDsn.parse(connectionString);
      case H2 -> JdbcTarget.h2(h2Url(dataDir, connectionString));
      case SQLITE3 -> JdbcTarget.sqlite(sqliteFile(dataDir, connectionString));
    };
  }

  /**
   * For {@code sqlite3}, the H2 file that earlier releases kept in its place (they served {@code sqlite3}
   * and the default with H2 at the same path less its extension), as {@link LegacyH2Import} reads it; empty
   * for the other types.
   */
  Optional<Path> legacyH2Base(Path dataDir) {
    if (databaseType != DatabaseType.SQLITE3) {
      return Optional.empty();
    }
    Path file = sqliteFile(dataDir, connectionString);
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    for (String extension : new String[] {".sqlite3", ".sqlite", ".db"}) {
      if (lower.endsWith(extension)) {
        return Optional.of(file.resolveSibling(name.substring(0, name.length() - extension.length())));
      }
    }
    return Optional.of(file);
  }

  private static Path sqliteFile(Path dataDir, String connectionString) {
    String path = connectionString.strip();
    if (path.startsWith(JdbcTarget.SQLITE_PREFIX)) {
      path = path.substring(JdbcTarget.SQLITE_PREFIX.length());
    } else if (path.startsWith("jdbc:")) {
      throw new IllegalArgumentException("connection_string \"" + connectionString
          + "\" is not a sqlite url; set database_type to match it");
    }
    if (path.startsWith("file:")) {
      path = path.substring("file:".length());
    }
    int query = path.indexOf('?');
    path = query < 0 ? path : path.substring(0, query);
    if (path.isBlank()) {
      return requireDataDir(dataDir).resolve("datastore.sqlite3");
    }
    if (path.equals(":memory:") || path.startsWith(":memory:")) {
      throw new IllegalArgumentException("connection_string \"" + connectionString + "\" is an in-memory "
          + "sqlite database, which forgets every entry, node and CA key at a restart; give a file path");
    }
    return Path.of(path);
  }

  private static String h2Url(Path dataDir, String connectionString) {
    if (connectionString.isBlank()) {
      return H2Urls.file(requireDataDir(dataDir).resolve("datastore"));
    }
    if (connectionString.startsWith("jdbc:h2:")) {
      return H2Urls.withSettings(connectionString);
    }
    if (connectionString.startsWith("jdbc:")) {
      throw new IllegalArgumentException("connection_string \"" + connectionString
          + "\" is not an h2 url; set database_type to match it");
    }
    String path = connectionString.endsWith(".mv.db")
        ? connectionString.substring(0, connectionString.length() - ".mv.db".length()) : connectionString;
    return H2Urls.file(Path.of(path));
  }

  private static Path requireDataDir(Path dataDir) {
    if (dataDir == null) {
      throw new IllegalArgumentException("data_dir is required for the embedded datastore");
    }
    return dataDir;
  }

  private static String text(Map<String, Object> data, String key) {
    Object value = data.get(key);
    return value == null ? "" : value.toString();
  }

  private static int integer(Map<String, Object> data, String key, int fallback) {
    Object value = data.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      long parsed = value instanceof Number n ? checkWhole(n, key) : Long.parseLong(value.toString().strip());
      if (parsed < Integer.MIN_VALUE || parsed > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(key + " " + value + " is out of range");
      }
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " \"" + value + "\" is not an integer", e);
    }
  }

  private static long checkWhole(Number n, String key) {
    double d = n.doubleValue();
    if (d != Math.rint(d)) {
      throw new IllegalArgumentException(key + " " + n + " is not an integer");
    }
    return n.longValue();
  }

  private static Duration duration(Map<String, Object> data, String key) {
    Object value = data.get(key);
    if (value == null) {
      return Duration.ZERO;
    }
    if (value instanceof Number n) {
      return Duration.ofSeconds(checkWhole(n, key));
    }
    try {
      return Durations.parse(value.toString().strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static boolean bool(Map<String, Object> data, String key) {
    Object value = data.get(key);
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    return switch (value.toString().strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(key + " \"" + value + "\" is not a boolean");
    };
  }
}
