package dev.signet.common.config.hcl;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The values of HCL v1 literals, decoded by the rules of SPIRE's HCL module: integers in Go's base-prefix syntax
 * within 64 bits ({@code 0x1F}, octal {@code 0755}), floats that must be finite, strings with Go escapes whose
 * <code>${…}</code> parts are kept as written, heredocs with their anchor lines removed ({@code <<-} also strips
 * the indentation of the closing line when every line has it). A literal SPIRE could not decode is an error.
 */
final class HclValues {
  private static final Pattern FLOAT = Pattern.compile("-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
  private static final BigInteger MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private HclValues() {}

  /** The value of a literal token; throws {@link IllegalArgumentException} with the reason when it has none. */
  static Object of(HclToken token) {
    String text = token.text();
    return switch (token.kind()) {
      case BOOL -> Boolean.valueOf(text);
      case NUMBER -> integer(text);
      case FLOAT -> floating(text);
      case STRING -> unquote(text);
      case HEREDOC -> heredoc(text);
      case IDENT -> text;
      default -> throw new IllegalArgumentException("not a literal: " + token.describe());
    };
  }

  private static Long integer(String text) {
    boolean negative = text.startsWith("-");
    String digits = negative || text.startsWith("+") ? text.substring(1) : text;
    BigInteger value;
    try {
      if (digits.startsWith("0x") || digits.startsWith("0X")) {
        value = new BigInteger(digits.substring(2), 16);
      } else if (digits.length() > 1 && digits.startsWith("0")) {
        value = new BigInteger(digits.substring(1), 8);
      } else {
        value = new BigInteger(digits, 10);
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("\"" + text + "\" is not a number (a leading 0 makes it octal)");
    }
    value = negative ? value.negate() : value;
    if (value.compareTo(MIN) < 0 || value.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("integer " + text + " does not fit in 64 bits");
    }
    return value.longValue();
  }

  private static Double floating(String text) {
    if (!FLOAT.matcher(text).matches()) {
      throw new IllegalArgumentException("\"" + text + "\" is not a number");
    }
    double value = Double.parseDouble(text);
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException("number " + text + " is out of range");
    }
    return value;
  }

  /** A quoted string's value: Go escapes decoded, <code>${…}</code> copied as written, no raw line breaks. */
  static String unquote(String quoted) {
    String s = quoted.substring(1, quoted.length() - 1);
    boolean interpolates = s.indexOf('$') >= 0;
    if (!interpolates && s.indexOf('{') < 0 && s.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("a string cannot span lines");
    }
    if (s.indexOf('\\') < 0 && s.indexOf('"') < 0 && !interpolates) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      if (s.startsWith("${", i)) {
        int end = interpolationEnd(s, i + 2);
        appendUtf8(out, s.substring(i, end));
        i = end;
        continue;
      }
      char c = s.charAt(i);
      if (c == '\n') {
        throw new IllegalArgumentException("a string cannot span lines");
      }
      if (c == '"') {
        throw new IllegalArgumentException("unescaped '\"' inside a string");
      }
      if (c != '\\') {
        int cp = s.codePointAt(i);
        appendUtf8(out, Character.toString(cp));
        i += Character.charCount(cp);
        continue;
      }
      i = escape(s, i + 1, out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The index after the <code>}</code> closing a <code>${</code> whose contents start at {@code from}. */
  private static int interpolationEnd(String s, int from) {
    int braces = 1;
    int i = from;
    while (i < s.length() && braces > 0) {
      char c = s.charAt(i++);
      if (c == '{') {
        braces++;
      } else if (c == '}') {
        braces--;
      }
    }
    if (braces != 0) {
      throw new IllegalArgumentException("a ${ in a string is never closed");
    }
    return i;
  }

  /** Decodes the escape whose letter is at {@code i}; returns the index after it. */
  private static int escape(String s, int i, ByteArrayOutputStream out) {
    if (i >= s.length()) {
      throw new IllegalArgumentException("a string ends with a lone backslash");
    }
    char c = s.charAt(i++);
    switch (c) {
      case 'a' -> out.write(7);
      case 'b' -> out.write('\b');
      case 'f' -> out.write('\f');
      case 'n' -> out.write('\n');
      case 'r' -> out.write('\r');
      case 't' -> out.write('\t');
      case 'v' -> out.write(11);
      case '\\' -> out.write('\\');
      case '"' -> out.write('"');
      case 'x' -> {
        out.write((int) hex(s, i, 2));
        return i + 2;
      }
      case 'u', 'U' -> {
        int width = c == 'u' ? 4 : 8;
        long cp = hex(s, i, width);
        if (cp > Character.MAX_CODE_POINT) {
          throw new IllegalArgumentException("\\" + c + " escape beyond the last Unicode code point");
        }
        boolean surrogate = cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE;
        appendUtf8(out, Character.toString(surrogate ? 0xFFFD : (int) cp));
        return i + width;
      }
      case '0', '1', '2', '3', '4', '5', '6', '7' -> {
        if (i + 2 > s.length()) {
          throw new IllegalArgumentException("an octal escape needs three digits");
        }
        int value = c - '0';
        for (int j = i; j < i + 2; j++) {
          int digit = s.charAt(j) - '0';
          if (digit < 0 || digit > 7) {
            throw new IllegalArgumentException("an octal escape needs three digits");
          }
          value = value * 8 + digit;
        }
        if (value > 255) {
          throw new IllegalArgumentException("octal escape above \\377");
        }
        out.write(value);
        return i + 2;
      }
      default -> throw new IllegalArgumentException("unknown escape \\" + c);
    }
    return i;
  }

  private static long hex(String s, int from, int width) {
    if (from + width > s.length()) {
      throw new IllegalArgumentException("a \\x, \\u or \\U escape is cut short");
    }
    long value = 0;
    for (int j = from; j < from + width; j++) {
      int digit = Character.digit(s.charAt(j), 16);
      if (digit < 0 || s.charAt(j) > 'f') {
        throw new IllegalArgumentException("a \\x, \\u or \\U escape needs hexadecimal digits");
      }
      value = value << 4 | digit;
    }
    return value;
  }

  private static void appendUtf8(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A heredoc's value. The token is {@code <<ANCHOR\n body CLOSING-LINE\n}; HCL v1 cuts the anchor line off the
   * front and as many bytes as the anchor line is long, minus one, off the end (so an indented closing line leaves
   * its indentation behind in the plain form). With {@code <<-}, when every line starts with the closing line's
   * indentation it is removed from each; otherwise trailing blanks are trimmed.
   */
  static String heredoc(String token) {
    byte[] b = token.getBytes(StandardCharsets.UTF_8);
    int idx = indexOf(b, (byte) '\n');
    boolean unindent = b.length > 2 && b[2] == '-';
    if (!unindent) {
      return slice(b, idx + 1, b.length - idx + 1);
    }
    String[] lines = slice(b, idx + 1, b.length - idx + 2).split("\n", -1);
    String prefix = lines[lines.length - 1];
    for (String line : lines) {
      if (!line.startsWith(prefix)) {
        return stripTrailingBlanks(slice(b, idx + 1, b.length - idx + 1));
      }
    }
    StringBuilder out = new StringBuilder();
    for (int k = 0; k < lines.length - 1; k++) {
      out.append(lines[k].substring(prefix.length())).append('\n');
    }
    return out.toString();
  }

  private static int indexOf(byte[] b, byte wanted) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == wanted) {
        return i;
      }
    }
    throw new IllegalArgumentException("a heredoc without a line break");
  }

  private static String slice(byte[] b, int from, int to) {
    if (from > to || to > b.length) {
      throw new IllegalArgumentException("a heredoc too short for its anchor");
    }
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  private static String stripTrailingBlanks(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(0, end);
  }
}
