package dev.signet.server.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.signet.common.cli.SpireCliJson;
import java.io.PrintStream;

/** Writes command results as SPIRE does: aligned "Label : value" lines, or protojson with {@code -output json}. */
public final class Printer {
  private final PrintStream out;
  private final OutputFormat format;

  public Printer(PrintStream out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  public boolean json() {
    return format == OutputFormat.JSON;
  }

  /** Prints the whole response as spire-server's {@code -output json} does (json mode only). */
  public void json(MessageOrBuilder message) {
    out.println(SpireCliJson.print(message));
  }

  /** One aligned {@code label : value} line. */
  public void field(String label, Object value) {
    out.printf("%-16s : %s%n", label, value);
  }

  public void line(String text) {
    out.println(text);
  }

  public void blank() {
    out.println();
  }
}
