package dev.signet.datastore.sql;

import java.util.Locale;

/** The databases behind {@code DataStore "sql"} ({@code database_type}). */
public enum DatabaseType {
  /** An embedded SQLite file, SPIRE's default and ours. */
  SQLITE3("sqlite3"),
  /** An embedded H2 file (or in-memory) database: the default before SQLite, kept selectable. */
  H2("h2"),
  /** An external PostgreSQL server. */
  POSTGRES("postgres");

  private final String configName;

  DatabaseType(String configName) {
    this.configName = configName;
  }

  /** The {@code database_type} spelling. */
  public String configName() {
    return configName;
  }

  /** Parses {@code database_type}; empty means {@link #SQLITE3}. */
  public static DatabaseType parse(String name) {
    if (name == null || name.isEmpty()) {
      return SQLITE3;
    }
    for (DatabaseType type : values()) {
      if (type.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return type;
      }
    }
    throw new IllegalArgumentException("database_type \"" + name + "\" is not supported; use \"sqlite3\", "
        + "\"postgres\" or \"h2\"");
  }
}
