package dev.signet.datastore.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A statement under construction: text plus positional parameters (String, Long, Integer, Boolean). */
final class Sql {
  /** The most values put in one {@code IN (...)} list: longer lists are read in chunks of this size. */
  static final int IN_CHUNK = 500;

  private final StringBuilder text = new StringBuilder();
  private final List<Object> params = new ArrayList<>();

  Sql(String start, Object... values) {
    text.append(start);
    params.addAll(List.of(values));
  }

  /** Appends {@code fragment}, whose {@code ?} markers take {@code values} in order. */
  Sql add(String fragment, Object... values) {
    text.append(fragment);
    params.addAll(List.of(values));
    return this;
  }

  /** Appends another statement's text and parameters. */
  Sql add(Sql other) {
    text.append(other.text);
    params.addAll(other.params);
    return this;
  }

  /** {@code n} parameter markers separated by commas, for an {@code IN (...)} or {@code VALUES (...)} list. */
  static String markers(int n) {
    return "?,".repeat(n - 1) + "?";
  }

  boolean isEmpty() {
    return text.isEmpty();
  }

  PreparedStatement prepare(Connection c) throws SQLException {
    PreparedStatement s = c.prepareStatement(text.toString());
    try {
      for (int i = 0; i < params.size(); i++) {
        s.setObject(i + 1, params.get(i));
      }
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
