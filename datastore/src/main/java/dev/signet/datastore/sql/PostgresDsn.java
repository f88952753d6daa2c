package dev.signet.datastore.sql;

import dev.signet.common.secret.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Translates SPIRE's PostgreSQL {@code connection_string} into a JDBC URL. Three spellings are accepted:
 * a JDBC URL ({@code jdbc:postgresql://…}, used as is), a libpq URL
 * ({@code postgres://user:pass@host:5432/db?sslmode=disable}) and libpq key/value pairs
 * ({@code dbname=spire user=spire password=… host=db port=5432 sslmode=require}). Unknown keys are
 * errors rather than silently dropped connection settings.
 */
final class PostgresDsn {
  /** libpq parameters and their pgjdbc names; user and password travel separately. */
  private static final Map<String, String> PARAMETERS = Map.of(
      "sslmode", "sslmode",
      "sslrootcert", "sslrootcert",
      "sslcert", "sslcert",
      "sslkey", "sslkey",
      "sslpassword", "sslpassword",
      "connect_timeout", "connectTimeout",
      "application_name", "ApplicationName",
      "target_session_attrs", "targetServerType",
      "options", "options");

  private PostgresDsn() {}

  static JdbcTarget parse(String connectionString) {
    String cs = connectionString.strip();
    if (cs.isEmpty()) {
      throw new IllegalArgumentException("connection_string is required for database_type \"postgres\"");
    }
    if (cs.startsWith("jdbc:postgresql:")) {
      return new JdbcTarget(SqlDialect.POSTGRES, cs, null, null);
    }
    if (cs.startsWith("postgres://") || cs.startsWith("postgresql://")) {
      return fromUrl(cs);
    }
    return fromKeyValues(cs);
  }

  private static JdbcTarget fromUrl(String cs) {
    URI uri;
    try {
      uri = URI.create(cs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("connection_string is not a valid postgres url: " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    values.put("host", uri.getHost() == null ? "localhost" : uri.getHost());
    if (uri.getPort() > 0) {
      values.put("port", Integer.toString(uri.getPort()));
    }
    String path = uri.getRawPath();
    if (path != null && path.length() > 1) {
      values.put("dbname", decode(path.substring(1)));
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      values.put("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) {
        values.put("password", decode(userInfo.substring(colon + 1)));
      }
    }
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("connection_string parameter \"" + decode(pair) + "\" has no value");
        }
        values.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return build(values);
  }

  private static JdbcTarget fromKeyValues(String cs) {
    Map<String, String> values = new LinkedHashMap<>();
    int i = 0;
    while (i < cs.length()) {
      while (i < cs.length() && Character.isWhitespace(cs.charAt(i))) {
        i++;
      }
      if (i >= cs.length()) {
        break;
      }
      int eq = cs.indexOf('=', i);
      if (eq < 0) {
        throw new IllegalArgumentException("connection_string: missing \"=\" after \"" + cs.substring(i).split("\\s")[0]
            + "\"");
      }
      String key = cs.substring(i, eq).strip();
      i = eq + 1;
      while (i < cs.length() && cs.charAt(i) == ' ') {
        i++;
      }
      StringBuilder value = new StringBuilder();
      if (i < cs.length() && cs.charAt(i) == '\'') {
        i++;
        while (i < cs.length() && cs.charAt(i) != '\'') {
          if (cs.charAt(i) == '\\' && i + 1 < cs.length()) {
            i++;
          }
          value.append(cs.charAt(i++));
        }
        if (i >= cs.length()) {
          throw new IllegalArgumentException("connection_string: unterminated quoted value of \"" + key + "\"");
        }
        i++;
      } else {
        while (i < cs.length() && !Character.isWhitespace(cs.charAt(i))) {
          value.append(cs.charAt(i++));
        }
      }
      values.put(key, value.toString());
    }
    return build(values);
  }

  private static JdbcTarget build(Map<String, String> values) {
    Map<String, String> rest = new LinkedHashMap<>(values);
    String host = orDefault(rest.remove("host"), "localhost");
    String port = orDefault(rest.remove("port"), "5432");
    String dbname = rest.remove("dbname");
    String user = rest.remove("user");
    String password = rest.remove("password");
    if (!port.chars().allMatch(Character::isDigit) || port.isEmpty()) {
      throw new IllegalArgumentException("connection_string port \"" + port + "\" is not a number");
    }
    StringBuilder url = new StringBuilder("jdbc:postgresql://").append(host.contains(":") ? "[" + host + "]" : host)
        .append(':').append(port).append('/').append(encode(dbname == null ? orDefault(user, "postgres") : dbname));
    char separator = '?';
    for (Map.Entry<String, String> entry : rest.entrySet()) {
      String name = PARAMETERS.get(entry.getKey());
      if (name == null) {
        throw new IllegalArgumentException("connection_string parameter \"" + entry.getKey() + "\" is not supported");
      }
      url.append(separator).append(name).append('=').append(encode(entry.getValue()));
      separator = '&';
    }
    return new JdbcTarget(SqlDialect.POSTGRES, url.toString(), user, Secret.ofNullable(password));
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
