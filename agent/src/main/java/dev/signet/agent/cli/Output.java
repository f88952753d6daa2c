package dev.signet.agent.cli;

import com.google.protobuf.MessageOrBuilder;
import dev.signet.common.cli.SpireCliJson;
import io.grpc.Status;
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

  /** Prints a failed call the way spire-agent does ({@code rpc error: code = X desc = ...}); returns exit code 1. */
  static int rpcError(PrintWriter err, String what, StatusRuntimeException e) {
    Status status = e.getStatus();
    err.println(what + ": rpc error: code = " + goCode(status.getCode()) + " desc = "
        + (status.getDescription() == null ? "" : status.getDescription()));
    err.flush();
    return 1;
  }

  /** gRPC's Go spelling of a code, e.g. PermissionDenied. */
  static String goCode(Status.Code code) {
    StringBuilder name = new StringBuilder();
    for (String part : code.name().split("_")) {
      name.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
    }
    return code == Status.Code.OK ? "OK" : name.toString();
  }
}
