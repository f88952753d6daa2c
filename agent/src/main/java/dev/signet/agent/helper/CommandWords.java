package dev.signet.agent.helper;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits {@code cmd_args} into an argument vector the way a POSIX shell splits words, without running a shell:
 * blanks separate words; {@code '...'} is literal; in {@code "..."} a backslash escapes {@code "}, {@code \},
 * {@code $} and {@code `}; outside quotes a backslash escapes the next character. No variable, glob or command
 * expansion happens: {@code $HOME} stays {@code $HOME}.
 */
final class CommandWords {
  private CommandWords() {}

  static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
        i++;
      } else if (c == '\'') {
        int end = line.indexOf('\'', i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("cmd_args \"" + line + "\" has an unterminated single quote");
        }
        word.append(line, i + 1, end);
        inWord = true;
        i = end + 1;
      } else if (c == '"') {
        i = doubleQuoted(line, i + 1, word);
        inWord = true;
      } else if (c == '\\') {
        if (i + 1 >= line.length()) {
          throw new IllegalArgumentException("cmd_args \"" + line + "\" ends with a lone backslash");
        }
        word.append(line.charAt(i + 1));
        inWord = true;
        i += 2;
      } else {
        word.append(c);
        inWord = true;
        i++;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return List.copyOf(words);
  }

  /** Appends the double-quoted text starting at {@code from} and returns the index after the closing quote. */
  private static int doubleQuoted(String line, int from, StringBuilder word) {
    int i = from;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\' && i + 1 < line.length() && "\"\\$`".indexOf(line.charAt(i + 1)) >= 0) {
        word.append(line.charAt(i + 1));
        i += 2;
      } else {
        word.append(c);
        i++;
      }
    }
    throw new IllegalArgumentException("cmd_args \"" + line + "\" has an unterminated double quote");
  }
}
