package dev.signet.agent.cli;

import dev.signet.common.cli.RpcErrorText;
import com.google.protobuf.MessageOrBuilder;
import dev.signet.common.cli.SpireCliJson;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;

/** Output helpers: {@code -output pretty|json}, Go-style times, and gRPC errors as spire-agent prints them. */
final class Output {
  /** Go's {@code time.Time.String()} layout for UTC, which spire-agent prints. */
  private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z 'UTC'")
      .withZone(ZoneOffset.UTC);

  /** The {@code -output} values. */
  enum Format {
    pretty, json
  }

  private Output() {}

  static String time(Date date) {
    return GO_TIME.format(date.toInstant());
  }

  /** {@code -output json}: the messages as spire-agent prints them (one object, or an array of several). */
  static String json(MessageOrBuilder... messages) {
    return SpireCliJson.print(messages);
  }

  /**
   * Prints a call to {@code socket} that failed the way spire-agent does ({@code rpc error: code = X desc = ...},
   * naming the socket and the cause when it cannot be reached); returns exit code 1.
   */
  static int rpcError(PrintWriter err, String what, StatusRuntimeException e, java.nio.file.Path socket) {
    err.println(what + ": " + RpcErrorText.describe(e, socket));
    err.flush();
    return 1;
  }

}
