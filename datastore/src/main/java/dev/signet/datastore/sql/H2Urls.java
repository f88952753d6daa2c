package dev.signet.datastore.sql;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Builds H2 URLs that run the PostgreSQL migrations unchanged: PostgreSQL mode, lower-case identifiers,
 * nulls sorted high, {@code VALUE} usable as a column name, a lock timeout long enough for the
 * short row locks writers hold, commits written through ({@code WRITE_DELAY=0}) and old chunks kept ten
 * minutes before their space is reused ({@code RETENTION_TIME}).
 */
final class H2Urls {
  static final Map<String, String> SETTINGS = settings();

  private H2Urls() {}

  /** A file database at {@code base} (H2 adds {@code .mv.db}). */
  static String file(Path base) {
    return withSettings("jdbc:h2:file:" + base.toAbsolutePath().normalize());
  }

  /** An in-memory database that lives while the store is open. */
  static String memory(String name) {
    return withSettings("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
  }

  /** {@code url} plus every required setting it does not set itself. */
  static String withSettings(String url) {
    String upper = url.toUpperCase(Locale.ROOT);
    StringBuilder result = new StringBuilder(url);
    SETTINGS.forEach((key, value) -> {
      if (!upper.contains(";" + key + "=")) {
        result.append(';').append(key).append('=').append(value);
      }
    });
    return result.toString();
  }

  /** The file path (without {@code .mv.db}) of a file URL, or null for other URLs. */
  static Path filePath(String url) {
    String rest = url.startsWith("jdbc:h2:file:") ? url.substring("jdbc:h2:file:".length()) : null;
    if (rest == null) {
      return null;
    }
    int semicolon = rest.indexOf(';');
    return Path.of(semicolon < 0 ? rest : rest.substring(0, semicolon));
  }

  private static Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("MODE", "PostgreSQL");
    settings.put("DATABASE_TO_LOWER", "TRUE");
    settings.put("DEFAULT_NULL_ORDERING", "HIGH");
    settings.put("NON_KEYWORDS", "VALUE");
    settings.put("LOCK_TIMEOUT", "10000");
    // every commit stores its chunk before returning (the default, 500, acknowledges commits that a
    // crash within half a second loses); see CommitDurability
    settings.put("WRITE_DELAY", "0");
    // old chunks are kept 10 minutes (default 45 s) before their space is reused: a store crashed, reopened
    // and crashed again lost or reverted writes acknowledged in between (2 to 4 of 30 rounds of that in a
    // test with three writers) when new chunks went into reused space; none in 28 rounds with 10 minutes.
    // It narrows H2's window, it does not close it: see the README's "Durability" section
    settings.put("RETENTION_TIME", "600000");
    return java.util.Collections.unmodifiableMap(settings);
  }
}
