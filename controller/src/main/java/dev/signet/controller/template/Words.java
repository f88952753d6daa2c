package dev.signet.controller.template;

import java.util.ArrayList;
import java.util.List;

/** Splits an action into words, keeping a double-quoted string (with backslash escapes) as one word. */
final class Words {
  private Words() {}

  static List<String> split(String source, String action) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < action.length()) {
      char ch = action.charAt(i);
      if (Character.isWhitespace(ch)) {
        i++;
        continue;
      }
      int start = i;
      if (ch == '"') {
        i++;
        while (i < action.length() && action.charAt(i) != '"') {
          i += action.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= action.length()) {
          throw new TemplateException("template \"" + source + "\" has an unterminated string");
        }
        i++;
      } else {
        while (i < action.length() && !Character.isWhitespace(action.charAt(i))) {
          i++;
        }
      }
      words.add(action.substring(start, i));
    }
    return words;
  }

  static boolean isQuoted(String word) {
    return word.length() >= 2 && word.startsWith("\"") && word.endsWith("\"");
  }

  static String unquote(String word) {
    StringBuilder out = new StringBuilder();
    for (int i = 1; i < word.length() - 1; i++) {
      char ch = word.charAt(i);
      if (ch == '\\' && i + 1 < word.length() - 1) {
        ch = word.charAt(++i);
      }
      out.append(ch);
    }
    return out.toString();
  }
}
