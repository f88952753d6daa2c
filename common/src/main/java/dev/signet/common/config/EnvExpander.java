package dev.signet.common.config;

import java.util.function.UnaryOperator;

/**
 * SPIRE's {@code -expandEnv}: replaces {@code $VAR} and {@code ${VAR}} in the config text before parsing,
 * exactly as Go's {@code os.Expand} does (unset variables become empty; {@code $} not followed by a name
 * stays; the shell specials {@code $1 $* $# $$ $@ $! $? $-} are single-character names).
 */
public final class EnvExpander {
  private EnvExpander() {}

  /** Expands with {@code lookup}, which returns null for an unset variable. */
  public static String expand(String text, UnaryOperator<String> lookup) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c != '$' || i + 1 >= text.length()) {
        out.append(c);
        i++;
        continue;
      }
      String rest = text.substring(i + 1);
      int[] width = new int[1];
      String name = shellName(rest, width);
      if (name.isEmpty() && width[0] == 0) {
        out.append('$'); // valid syntax, no name: the dollar stays
      } else if (!name.isEmpty()) {
        String value = lookup.apply(name);
        out.append(value == null ? "" : value);
      } // else: bad syntax such as "${}" or an unclosed "${", which Go drops
      i += 1 + width[0];
    }
    return out.toString();
  }

  /** Expands from the process environment. */
  public static String expandFromEnvironment(String text) {
    return expand(text, System::getenv);
  }

  private static String shellName(String s, int[] width) {
    char first = s.charAt(0);
    if (first == '{') {
      if (s.length() > 2 && isSpecial(s.charAt(1)) && s.charAt(2) == '}') {
        width[0] = 3;
        return s.substring(1, 2);
      }
      int close = s.indexOf('}', 1);
      if (close < 0) {
        width[0] = 1;
        return "";
      }
      width[0] = close + 1;
      return close == 1 ? "" : s.substring(1, close);
    }
    if (isSpecial(first)) {
      width[0] = 1;
      return s.substring(0, 1);
    }
    int end = 0;
    while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) && s.charAt(end) < 128 || s.charAt(end) == '_')) {
      end++;
    }
    width[0] = end;
    return s.substring(0, end);
  }

  private static boolean isSpecial(char c) {
    return "*#$@!?-".indexOf(c) >= 0 || (c >= '0' && c <= '9');
  }
}
