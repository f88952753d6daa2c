package dev.signet.common.config.hcl;

import dev.signet.common.config.hcl.HclToken.Kind;

/**
 * Splits HCL v1 text into tokens with the rules of the HCL v1 module SPIRE pins (hashicorp/hcl v1.0.1-vault-7),
 * including its corner cases, so that a config is cut into the same tokens SPIRE sees: identifiers may hold
 * letters, digits, {@code -} and {@code .}; numbers are decimal, octal ({@code 0755}) or hexadecimal; a
 * {@code -} directly before a digit belongs to the number; strings end on their line unless inside
 * <code>${…}</code>; heredocs ({@code <<EOT}, {@code <<-EOT}) end at a line holding only their anchor, which may
 * be indented. Reading works on code points with a one-character push-back, the model the rules were stated in.
 * Any character the grammar has no use for is an error here, with its position.
 */
final class HclScanner {
  private static final int END = -1;

  private final String text;
  private int pos;
  private int lastWidth;

  HclScanner(String text) {
    this.text = text;
  }

  /** The next token; {@link Kind#EOF} for ever once the text is consumed. */
  HclToken scan() {
    int ch = next();
    while (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
      ch = next();
    }
    int start = ch == END ? pos : pos - lastWidth;
    Kind kind;
    if (isLetter(ch)) {
      identifierRest();
      String word = text.substring(start, pos);
      kind = word.equals("true") || word.equals("false") ? Kind.BOOL : Kind.IDENT;
    } else if (isDecimal(ch)) {
      kind = number(ch);
    } else {
      kind = switch (ch) {
        case END -> Kind.EOF;
        case '"' -> string(start);
        case '#', '/' -> comment(ch, start);
        case '.' -> fractionOnly();
        case '<' -> heredoc(start);
        case '[' -> Kind.LBRACK;
        case ']' -> Kind.RBRACK;
        case '{' -> Kind.LBRACE;
        case '}' -> Kind.RBRACE;
        case ',' -> Kind.COMMA;
        case '=' -> Kind.ASSIGN;
        case '+' -> Kind.ADD;
        case '-' -> isDecimal(peek()) ? number(next()) : Kind.SUB;
        default -> throw error(start, "unexpected character '" + Character.toString(ch) + "'");
      };
    }
    return new HclToken(kind, text.substring(start, pos), start);
  }

  private int next() {
    if (pos >= text.length()) {
      lastWidth = 0;
      return END;
    }
    int ch = text.codePointAt(pos);
    lastWidth = Character.charCount(ch);
    pos += lastWidth;
    if (ch == 0) {
      throw error(pos - 1, "unexpected null character (0x00)");
    }
    if (ch == 0xE123) {
      throw error(pos - 1, "unicode code point U+E123 is reserved");
    }
    return ch;
  }

  /** Pushes back the character {@link #next()} returned last; never called twice in a row or after the end. */
  private void unread() {
    pos -= lastWidth;
    lastWidth = 0;
  }

  private int peek() {
    return pos >= text.length() ? END : text.codePointAt(pos);
  }

  private void identifierRest() {
    int ch = next();
    while (isLetter(ch) || isDigit(ch) || ch == '-' || ch == '.') {
      ch = next();
    }
    if (ch != END) {
      unread();
    }
  }

  /**
   * A number whose first digit {@code first} has been read: NUMBER, or FLOAT when a fraction or exponent follows.
   * After a leading 0 the digits are read without the push-back that {@link #digits} does (HCL v1 differs there).
   */
  private Kind number(int first) {
    int ch;
    if (first == '0') {
      ch = next();
      if (ch == 'x' || ch == 'X') {
        return hexadecimalRest();
      }
      while (isDecimal(ch)) {
        ch = next();
      }
    } else {
      digits(first);
      ch = next();
    }
    if (ch == 'e' || ch == 'E') {
      exponent(ch);
      return Kind.FLOAT;
    }
    if (ch == '.') {
      return fractionAndExponent();
    }
    if (ch != END) {
      unread();
    }
    return Kind.NUMBER;
  }

  private Kind hexadecimalRest() {
    int start = pos;
    int ch = next();
    boolean any = false;
    while (isHexadecimal(ch)) {
      ch = next();
      any = true;
    }
    if (!any) {
      throw error(start, "a hexadecimal number needs digits after 0x");
    }
    if (ch != END) {
      unread();
    }
    return Kind.NUMBER;
  }

  /** After a {@code .} that ended the integer part: the fraction digits, then an optional exponent. */
  private Kind fractionAndExponent() {
    int ch = digits(peek());
    if (ch == 'e' || ch == 'E') {
      exponent(next());
    }
    return Kind.FLOAT;
  }

  /** A token starting with {@code .}: a float such as {@code .5} when a digit follows, else a period. */
  private Kind fractionOnly() {
    int ch = peek();
    if (!isDecimal(ch)) {
      return Kind.PERIOD;
    }
    // the character after the digits was pushed back and is taken by exponent() as its 'e' (HCL v1 does so)
    exponent(digits(ch));
    return Kind.FLOAT;
  }

  /**
   * Reads decimal digits while {@code ch} is one, each read taking the next character; pushes back the first
   * non-digit when at least one digit was read, and returns it.
   */
  private int digits(int ch) {
    boolean any = false;
    while (isDecimal(ch)) {
      ch = next();
      any = true;
    }
    if (any && ch != END) {
      unread();
    }
    return ch;
  }

  private void exponent(int ch) {
    if (ch == 'e' || ch == 'E') {
      ch = next();
      if (ch == '-' || ch == '+') {
        ch = next();
      }
      digits(ch);
    }
  }

  private Kind string(int start) {
    int braces = 0;
    while (true) {
      int ch = next();
      if ((ch == '\n' && braces == 0) || ch == END) {
        throw error(start, "string is not terminated on the line it starts; close it with '\"'");
      }
      if (ch == '"' && braces == 0) {
        return Kind.STRING;
      }
      if (braces == 0 && ch == '$' && peek() == '{') {
        braces++;
        next();
      } else if (braces > 0 && ch == '{') {
        braces++;
      }
      if (braces > 0 && ch == '}') {
        braces--;
      }
      if (ch == '\\') {
        escape();
      }
    }
  }

  private void escape() {
    int at = pos - 1;
    int ch = next();
    switch (ch) {
      case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\', '"' -> { }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> escapeDigits(at, ch, 8, 3);
      case 'x' -> escapeDigits(at, next(), 16, 2);
      case 'u' -> escapeDigits(at, next(), 16, 4);
      case 'U' -> escapeDigits(at, next(), 16, 8);
      default -> throw error(at, "unknown escape sequence in string");
    }
  }

  private void escapeDigits(int at, int ch, int base, int count) {
    int left = count;
    while (left > 0 && digitValue(ch) < base) {
      ch = next();
      if (ch == END) {
        break;
      }
      left--;
    }
    if (left > 0) {
      throw error(at, "unknown escape sequence in string: expected " + count + " digits of base " + base);
    }
    if (ch != END) {
      unread();
    }
  }

  private Kind comment(int first, int start) {
    if (first == '#' || peek() != '*') {
      if (first == '/' && peek() != '/') {
        throw error(start, "unexpected character '/' (comments start with #, // or /*)");
      }
      int ch = next();
      while (ch != '\n' && ch != END) {
        ch = next();
      }
      if (ch != END) {
        unread();
      }
      return Kind.COMMENT;
    }
    next();
    int ch = next();
    while (true) {
      if (ch == END) {
        throw error(start, "comment is never closed; end it with */");
      }
      int before = ch;
      ch = next();
      if (before == '*' && ch == '/') {
        return Kind.COMMENT;
      }
    }
  }

  private Kind heredoc(int start) {
    if (next() != '<') {
      throw error(start, "unexpected character '<' (a heredoc starts with <<)");
    }
    int anchorStart = pos;
    int ch = next();
    if (ch == '-') {
      ch = next();
    }
    while (isLetter(ch) || isDigit(ch)) {
      ch = next();
    }
    if (ch == END) {
      throw error(start, "heredoc is never closed");
    }
    if (ch == '\r' && peek() == '\n') {
      ch = next();
    }
    if (ch != '\n') {
      throw error(start, "a heredoc anchor holds letters and digits only and ends its line");
    }
    String anchor = text.substring(anchorStart, pos - 1);
    if (anchor.isEmpty() || anchor.equals("-")) {
      throw error(start, "a heredoc needs an anchor name after <<");
    }
    String name = anchor.startsWith("-") ? anchor.substring(1) : anchor;
    int anchorBytes = Utf8.length(anchor);
    int lineStart = pos;
    while (true) {
      ch = next();
      if (ch == '\n') {
        String line = text.substring(lineStart, pos - 1);
        if (Utf8.length(line) >= anchorBytes && closes(line, name)) {
          return Kind.HEREDOC;
        }
        lineStart = pos;
      }
      if (ch == END) {
        throw error(start, "heredoc \"" + name + "\" is never closed; end it with a line of " + name
            + " followed by a line break");
      }
    }
  }

  /** Whether {@code line} closes a heredoc: optional ASCII space, the anchor name, optional carriage returns. */
  private static boolean closes(String line, String name) {
    int i = 0;
    while (i < line.length() && " \t\n\u000B\f\r".indexOf(line.charAt(i)) >= 0) {
      i++;
    }
    if (!line.startsWith(name, i)) {
      // the anchor's own letters are never space, so skipping all leading space first loses no match
      return false;
    }
    for (int j = i + name.length(); j < line.length(); j++) {
      if (line.charAt(j) != '\r') {
        return false;
      }
    }
    return true;
  }

  private HclSyntaxException error(int offset, String message) {
    return HclSyntaxException.at(text, offset, message);
  }

  static boolean isLetter(int ch) {
    return ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch == '_' || ch >= 0x80 && Character.isLetter(ch);
  }

  private static boolean isDigit(int ch) {
    return ch >= '0' && ch <= '9' || ch >= 0x80 && Character.isDigit(ch);
  }

  private static boolean isDecimal(int ch) {
    return ch >= '0' && ch <= '9';
  }

  private static boolean isHexadecimal(int ch) {
    return digitValue(ch) < 16;
  }

  private static int digitValue(int ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
      return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
      return ch - 'A' + 10;
    }
    return 16;
  }
}
