package dev.signet.common.config.hcl;

/**
 * HCL text that SPIRE's HCL v1 reader refuses too, with the 1-based line and column of the offending character.
 */
public final class HclSyntaxException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final int line;
  private final int column;

  HclSyntaxException(int line, int column, String message) {
    super(message);
    this.line = line;
    this.column = column;
  }

  /** An exception at character index {@code offset} of {@code text}. */
  public static HclSyntaxException at(String text, int offset, String message) {
    int end = Math.min(offset, text.length());
    int lineStart = text.lastIndexOf('\n', end - 1) + 1;
    return new HclSyntaxException(lineOf(text, offset), text.codePointCount(lineStart, end) + 1, message);
  }

  /** The 1-based line of character index {@code offset} of {@code text}. */
  public static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < Math.min(offset, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  public int line() {
    return line;
  }

  public int column() {
    return column;
  }
}
