package dev.signet.common.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The one Prometheus HTTP listener of server, agent and gateway: {@code GET /metrics} answers the text exposition
 * format from {@code scrape}; any other path is 404 and any other method 405. No authentication: bind it to
 * loopback or a network only the scraper reaches. One daemon thread answers, one request at a time.
 */
public final class MetricsHttpServer implements AutoCloseable {
  /** Content type of Prometheus' text exposition format 0.0.4. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds {@code address} (port 0: the system chooses) and serves {@code scrape} on {@code /metrics}. */
  public static MetricsHttpServer start(InetSocketAddress address, Supplier<String> scrape) throws IOException {
    Objects.requireNonNull(scrape, "scrape");
    HttpServer server = HttpServer.create(address, 16);
    server.createContext("/", exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
          respond(exchange, 404, "not found\n");
        } else if (!exchange.getRequestMethod().equals("GET")) {
          exchange.getResponseHeaders().set("Allow", "GET");
          respond(exchange, 405, "method not allowed\n");
        } else {
          respond(exchange, 200, scrape.get());
        }
      }
    });
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "signet-metrics-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    server.start();
    return new MetricsHttpServer(server, executor);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", status == 200 ? CONTENT_TYPE : "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The bound address (with the port the system chose when 0 was asked). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
