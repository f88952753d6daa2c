package dev.signet.server.policy;

import java.util.regex.Pattern;

/** A resource, action or SPIFFE ID pattern where {@code *} matches any run of characters, and nothing else is special. */
record Glob(String text, Pattern pattern) {
  static Glob of(String text) {
    StringBuilder regex = new StringBuilder();
    int from = 0;
    for (int star = text.indexOf('*'); star >= 0; star = text.indexOf('*', from)) {
      regex.append(Pattern.quote(text.substring(from, star))).append(".*");
      from = star + 1;
    }
    regex.append(Pattern.quote(text.substring(from)));
    return new Glob(text, Pattern.compile(regex.toString()));
  }

  boolean matches(String value) {
    int star = text.indexOf('*');
    if (star < 0) {
      return text.equals(value);
    }
    if (star == text.length() - 1) {
      return value.startsWith(text.substring(0, star)); // "prefix*", the common case, without a regex
    }
    return pattern.matcher(value).matches();
  }

  boolean isLiteral() {
    return text.indexOf('*') < 0;
  }
}
