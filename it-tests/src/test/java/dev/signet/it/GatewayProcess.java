package dev.signet.it;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/** signet-gateway as a process of a workspace, and the HTTP upstream the gateway tests put behind it. */
final class GatewayProcess {
  /** The header the gateway sets to the caller's identity (its default {@code identity_header}). */
  static final String IDENTITY_HEADER = "X-Forwarded-Client-Cert";

  private GatewayProcess() {}

  /** The distribution's {@code bin/signet-gateway}. */
  static String bin() {
    return Distribution.get().home().resolve("bin/signet-gateway").toString();
  }

  /** Starts {@code signet-gateway run -config config} as {@code name} and waits until it accepts on {@code port}. */
  static void start(Workspace workspace, String name, Path config, int port) throws IOException {
    workspace.start(name, List.of(bin(), "run", "-config", config.toString()));
    Poll.until(name + " listening on " + port, Duration.ofSeconds(60), () -> {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException e) {
        return false;
      }
    });
  }

  /**
   * A loopback HTTP server answering every request 200 {@code upstream saw <identity header>}, after handing the
   * request's headers to {@code seen}.
   */
  static HttpServer identityEchoUpstream(Consumer<Headers> seen) throws IOException {
    HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    upstream.createContext("/", exchange -> {
      seen.accept(exchange.getRequestHeaders());
      byte[] body = ("upstream saw " + exchange.getRequestHeaders().getFirst(IDENTITY_HEADER))
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    return upstream;
  }
}
