package dev.signet.common.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A failed call printed the way SPIRE's Go CLIs print it: {@code rpc error: code = PermissionDenied desc = …}.
 * When the socket could not be reached, the description names the path and the cause as Go's gRPC does
 * ({@code dial unix /run/x.sock: connect: no such file or directory}) instead of Java's "io exception". An
 * UNAVAILABLE the server itself sent (a federated bundle endpoint it could not fetch from) keeps the server's
 * description: the call did reach the server, and a dial error would send the operator after the wrong fault.
 */
public final class RpcErrorText {
  private RpcErrorText() {}

  /** The text of {@code e} for a call made over the Unix socket {@code socket}. */
  public static String describe(StatusRuntimeException e, Path socket) {
    Status status = e.getStatus();
    String description = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCode() == Status.Code.UNAVAILABLE && socket != null && isTransportFailure(status)) {
      description = "connection error: desc = \"transport: error while dialing: dial unix " + socket + ": connect: "
          + dialFailure(socket) + "\"";
    }
    return "rpc error: code = " + goCode(status.getCode()) + " desc = " + description;
  }

  /**
   * A failure of the channel rather than an answer: grpc-java's own statuses carry the local cause or its generic
   * "io exception"; a status the server sent arrives with the server's description and no cause.
   */
  private static boolean isTransportFailure(Status status) {
    return status.getCause() != null || status.getDescription() == null
        || status.getDescription().equals("io exception");
  }

  /** Why connecting to {@code socket} fails, in the words of the C library as Go reports them. */
  static String dialFailure(Path socket) {
    if (!Files.exists(socket) && !Files.isSymbolicLink(socket)) {
      Path parent = socket.toAbsolutePath().getParent();
      return parent != null && Files.isDirectory(parent) && !Files.isExecutable(parent)
          ? "permission denied" : "no such file or directory";
    }
    if (!Files.isWritable(socket)) {
      return "permission denied";
    }
    return "connection refused";
  }

  /** A status code as Go spells it: ALREADY_EXISTS → AlreadyExists, OK → OK. */
  public static String goCode(Status.Code code) {
    if (code == Status.Code.OK) {
      return "OK";
    }
    StringBuilder camel = new StringBuilder();
    for (String part : code.name().split("_")) {
      camel.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return camel.toString();
  }
}
