package dev.signet.common.config;

import dev.signet.common.config.HclToken.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits HCL text into tokens and refuses what hcl4j would silently misread: unterminated strings,
 * comments and heredocs, and characters HCL has no use for (operators, function-call parentheses).
 */
final class HclLexer {
  private final String text;
  private final String origin;
  private final List<HclToken> tokens = new ArrayList<>();
  private int pos;
  private int line = 1;
  private int lineStart;

  private HclLexer(String text, String origin) {
    this.text = text;
    this.origin = origin;
  }

  static List<HclToken> tokenize(String text, String origin) {
    HclLexer lexer = new HclLexer(text, origin);
    lexer.run();
    return lexer.tokens;
  }

  private void run() {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == '\n') {
        add(Kind.NEWLINE, pos, pos + 1);
        line++;
        lineStart = pos;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF') {
        pos++;
      } else if (c == '#' || text.startsWith("//", pos)) {
        while (pos < text.length() && text.charAt(pos) != '\n') {
          pos++;
        }
      } else if (text.startsWith("/*", pos)) {
        blockComment();
      } else if (c == '"') {
        string();
      } else if (text.startsWith("<<", pos)) {
        heredoc();
      } else if (Character.isDigit(c) || c == '.' || ((c == '-' || c == '+') && pos + 1 < text.length()
          && (Character.isDigit(text.charAt(pos + 1)) || text.charAt(pos + 1) == '.'))) {
        span(Kind.NUMBER, pos + 1, ch -> Character.isLetterOrDigit(ch) || ch == '.' || ch == '+' || ch == '-');
      } else if (Character.isLetter(c) || c == '_') {
        span(Kind.IDENT, pos + 1, ch -> Character.isLetterOrDigit(ch) || ch == '_' || ch == '-' || ch == '.');
      } else {
        Kind kind = switch (c) {
          case '{' -> Kind.OPEN_BRACE;
          case '}' -> Kind.CLOSE_BRACE;
          case '[' -> Kind.OPEN_BRACKET;
          case ']' -> Kind.CLOSE_BRACKET;
          case '=' -> Kind.EQUALS;
          case ',' -> Kind.COMMA;
          default -> throw error(line, column(), "unexpected character '" + c + "'"
              + (c == '(' ? " (function calls are not supported)" : ""));
        };
        add(kind, pos, pos + 1);
      }
    }
  }

  private void span(Kind kind, int end, java.util.function.IntPredicate part) {
    while (end < text.length() && part.test(text.charAt(end))) {
      end++;
    }
    add(kind, pos, end);
  }

  private void blockComment() {
    int end = text.indexOf("*/", pos + 2);
    if (end < 0) {
      throw error(line, column(), "comment is never closed; end it with */");
    }
    for (int i = pos; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    pos = end + 2;
  }

  private void string() {
    int end = pos + 1;
    while (end < text.length() && text.charAt(end) != '"') {
      char ch = text.charAt(end);
      if (ch == '\n') {
        break;
      }
      end += ch == '\\' && end + 1 < text.length() && text.charAt(end + 1) != '\n' ? 2 : 1;
    }
    if (end >= text.length() || text.charAt(end) != '"') {
      throw error(line, column(), "string is not terminated on the line it starts; close it with \"");
    }
    add(Kind.STRING, pos, end + 1);
  }

  private void heredoc() {
    int start = line;
    int startColumn = column();
    int lineEnd = text.indexOf('\n', pos);
    if (lineEnd < 0) {
      throw error(start, startColumn, "heredoc has no body");
    }
    String marker = text.substring(pos + 2, lineEnd).strip();
    marker = marker.startsWith("-") ? marker.substring(1) : marker;
    if (marker.isEmpty() || !marker.chars().allMatch(ch -> Character.isLetterOrDigit(ch) || ch == '_')) {
      throw error(start, startColumn, "heredoc marker \"" + marker + "\" is not an identifier");
    }
    int cursor = lineEnd + 1;
    int bodyLine = start + 1;
    while (cursor <= text.length()) {
      int next = text.indexOf('\n', cursor);
      String content = text.substring(cursor, next < 0 ? text.length() : next);
      if (content.strip().equals(marker)) {
        tokens.add(new HclToken(Kind.HEREDOC, text.substring(pos, next < 0 ? text.length() : next), start,
            startColumn));
        line = bodyLine;
        lineStart = cursor;
        pos = next < 0 ? text.length() : next;
        return;
      }
      if (next < 0) {
        break;
      }
      cursor = next + 1;
      bodyLine++;
    }
    throw error(start, startColumn, "heredoc \"" + marker + "\" is never closed; end it with a line of " + marker);
  }

  private void add(Kind kind, int start, int end) {
    tokens.add(new HclToken(kind, text.substring(start, end), line, start - lineStart + 1));
    pos = end;
  }

  /** The column (1-based) of the character at {@code pos}. */
  private int column() {
    return pos - lineStart + 1;
  }

  private ConfigException error(int at, int column, String message) {
    return HclToken.syntaxError(origin, at, column, message);
  }
}
