package dev.signet.gateway.proxy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain HTTP upstream that records each request it gets and answers {@code 200 ok <method> <path>}. */
final class RecordingHttpUpstream implements AutoCloseable {
  /** What the upstream received. */
  record Received(String method, String path, Map<String, List<String>> headers, int bodyBytes) {
    /** Every value sent under {@code name}, in any letter case. */
    List<String> header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).toList();
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  RecordingHttpUpstream() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.createContext("/", exchange -> {
      int body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes().length;
      }
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      byte[] answer = ("ok " + exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath())
          .getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(answer);
      }
    });
    server.setExecutor(null);
    server.start();
  }

  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
