package dev.signet.server.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintStream;

/** Writes command results as SPIRE does: aligned "Label : value" lines, or protojson with {@code -output json}. */
public final class Printer {
  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence();
  private final PrintStream out;
  private final OutputFormat format;

  public Printer(PrintStream out, OutputFormat format) {
    this.out = out;
    this.format = format;
  }

  public boolean json() {
    return format == OutputFormat.JSON;
  }

  /** Prints the whole response as JSON (json mode only). */
  public void json(MessageOrBuilder message) {
    try {
      out.println(JSON.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
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
