package dev.signet.common.config;

import dev.signet.common.config.HclToken.Kind;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks the structure of a token stream before hcl4j sees it, because hcl4j accepts broken input
 * without a word: unbalanced braces, a key set twice (the last silently wins), a key used both as an
 * attribute and as a block, a key with no value, non-decimal numbers, and integers beyond 2^53 that its
 * {@code double} values cannot hold. Repeated blocks ({@code NodeAttestor "a" {}} twice) are allowed.
 */
final class HclChecker {
  private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)");
  private static final java.math.BigInteger EXACT_LIMIT = java.math.BigInteger.TWO.pow(53);

  private enum State { EXPECT_KEY, AFTER_KEY, IN_VALUE }

  /** An open {@code {…}} (object) or {@code […]} (list) with, for objects, the keys seen so far. */
  private static final class Scope {
    final boolean object;
    final int line;
    final int column;
    final Map<String, Integer> attributes = new HashMap<>();
    final Map<String, Integer> blocks = new HashMap<>();
    State state = State.EXPECT_KEY;
    HclToken key;

    Scope(boolean object, HclToken opening) {
      this.object = object;
      this.line = opening == null ? 0 : opening.line();
      this.column = opening == null ? 0 : opening.column();
    }
  }

  private final String origin;
  private final Deque<Scope> scopes = new ArrayDeque<>();

  private HclChecker(String origin) {
    this.origin = origin;
    scopes.push(new Scope(true, null));
  }

  static void check(List<HclToken> tokens, String origin) {
    HclChecker checker = new HclChecker(origin);
    tokens.forEach(checker::accept);
    checker.finish();
  }

  private void accept(HclToken token) {
    if (token.kind() == Kind.NUMBER) {
      checkNumber(token);
    }
    Scope scope = scopes.peek();
    if (!scope.object) {
      inList(token);
      return;
    }
    switch (scope.state) {
      case EXPECT_KEY -> expectKey(scope, token);
      case AFTER_KEY -> afterKey(scope, token);
      case IN_VALUE -> inValue(scope, token);
    }
  }

  private void expectKey(Scope scope, HclToken token) {
    switch (token.kind()) {
      case NEWLINE, COMMA -> { }
      case IDENT, STRING -> {
        scope.key = token;
        scope.state = State.AFTER_KEY;
      }
      case CLOSE_BRACE -> close(token, true);
      default -> throw error(token, "expected a key, found " + token.describe());
    }
  }

  private void afterKey(Scope scope, HclToken token) {
    String key = scope.key.key();
    switch (token.kind()) {
      case EQUALS -> {
        Integer earlier = scope.attributes.putIfAbsent(key, token.line());
        if (earlier != null) {
          throw error(token, "key \"" + key + "\" is set twice (first on line " + earlier + ")");
        }
        conflict(token, key, scope.blocks.get(key));
        scope.state = State.IN_VALUE;
      }
      case IDENT, STRING -> { } // a block label
      case OPEN_BRACE -> {
        scope.blocks.putIfAbsent(key, token.line());
        conflict(token, key, scope.attributes.get(key));
        scope.state = State.EXPECT_KEY;
        scopes.push(new Scope(true, token));
      }
      default -> throw error(token, "expected '=' and a value or a '{' block after \"" + key + "\", found "
          + token.describe());
    }
  }

  private void inValue(Scope scope, HclToken token) {
    scope.state = State.EXPECT_KEY;
    switch (token.kind()) {
      case IDENT -> checkBareWord(token);
      case STRING, HEREDOC, NUMBER -> { }
      case OPEN_BRACE -> scopes.push(new Scope(true, token));
      case OPEN_BRACKET -> scopes.push(new Scope(false, token));
      default -> throw error(token, "key \"" + scope.key.key() + "\" needs a value, found " + token.describe());
    }
  }

  private void inList(HclToken token) {
    switch (token.kind()) {
      case OPEN_BRACE -> scopes.push(new Scope(true, token));
      case OPEN_BRACKET -> scopes.push(new Scope(false, token));
      case CLOSE_BRACKET -> close(token, false);
      case CLOSE_BRACE, EQUALS -> throw error(token, "unexpected " + token.describe() + " in the list opened on line "
          + scopes.peek().line);
      case IDENT -> checkBareWord(token);
      default -> { }
    }
  }

  private void close(HclToken token, boolean object) {
    if (scopes.size() == 1) {
      throw error(token, "unexpected " + token.describe() + " with nothing open");
    }
    Scope closing = scopes.pop();
    if (closing.object != object) {
      throw error(token, "unexpected " + token.describe() + " closing the " + (closing.object ? "'{'" : "'['")
          + " opened on line " + closing.line);
    }
  }

  /** hcl4j reads an unquoted word as a variable reference; HCL config values are literals. */
  private void checkBareWord(HclToken token) {
    if (!token.text().equals("true") && !token.text().equals("false")) {
      throw error(token, "value " + token.text() + " must be quoted (\"" + token.text() + "\") or be true or false");
    }
  }

  private void conflict(HclToken token, String key, Integer otherLine) {
    if (otherLine != null) {
      throw error(token, "key \"" + key + "\" is used both as a value and as a block (also on line " + otherLine + ")");
    }
  }

  private void checkNumber(HclToken token) {
    if (!DECIMAL.matcher(token.text()).matches()) {
      throw error(token, "\"" + token.text() + "\" is not a decimal number (quote it if it is a string)");
    }
    if (!token.text().contains(".") && new java.math.BigInteger(token.text().replace("+", "")).abs().compareTo(EXACT_LIMIT) > 0) {
      throw error(token, "integer " + token.text() + " is too large to hold exactly (limit 2^53); quote it");
    }
  }

  private void finish() {
    Scope scope = scopes.peek();
    if (scopes.size() > 1) {
      throw HclToken.syntaxError(origin, scope.line, scope.column, "the " + (scope.object ? "'{'" : "'['")
          + " opened here is never closed; add its " + (scope.object ? "'}'" : "']'"));
    }
    if (scope.state != State.EXPECT_KEY) {
      throw error(scope.key, "key \"" + scope.key.key() + "\" has no value");
    }
  }

  private ConfigException error(HclToken token, String message) {
    return token.error(origin, message);
  }
}
