package dev.signet.datastore.sql;

import java.util.Locale;

/**
 * The databases behind {@code DataStore "sql"}. SPIRE's {@code sqlite3} has no pure-Java driver worth
 * shipping; it is accepted and served by the embedded H2 store (see {@link SqlConfig#target}).
 */
public enum DatabaseType {
  /** Embedded H2 file (or in-memory) database; the default. */
  H2("h2"),
  /** An external PostgreSQL server. */
  POSTGRES("postgres"),
  /** SPIRE's default; mapped onto {@link #H2} with a warning. */
  SQLITE3("sqlite3");

  private final String configName;

  DatabaseType(String configName) {
    this.configName = configName;
  }

  /** The {@code database_type} spelling. */
  public String configName() {
    return configName;
  }

  /** Parses {@code database_type}; empty means {@link #H2}. */
  public static DatabaseType parse(String name) {
    if (name == null || name.isEmpty()) {
      return H2;
    }
    for (DatabaseType type : values()) {
      if (type.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return type;
      }
    }
    throw new IllegalArgumentException("database_type \"" + name + "\" is not supported; use \"h2\", \"postgres\" "
        + "or \"sqlite3\" (served by h2)");
  }
}
