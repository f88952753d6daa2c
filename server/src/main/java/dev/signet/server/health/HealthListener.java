package dev.signet.server.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The {@code health_checks} HTTP listener: {@code live_path} answers 200 while the process runs its
 * main loop, {@code ready_path} answers 200 only when the server can serve (datastore reachable, CA
 * active), else 503. Bodies are small JSON documents, like SPIRE's.
 */
public final class HealthListener implements AutoCloseable {
  private final HttpServer http;

  private HealthListener(HttpServer http) {
    this.http = http;
  }

  public static HealthListener start(String bindAddress, int port, String livePath, String readyPath,
      BooleanSupplier live, BooleanSupplier ready) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    http.createContext(livePath, exchange -> answer(exchange, live.getAsBoolean()));
    http.createContext(readyPath, exchange -> answer(exchange, ready.getAsBoolean()));
    http.setExecutor(null);
    http.start();
    return new HealthListener(http);
  }

  public int port() {
    return http.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean healthy) throws IOException {
    byte[] body = ("{\"healthy\":" + healthy + "}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
