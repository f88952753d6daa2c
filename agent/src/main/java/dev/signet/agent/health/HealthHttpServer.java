package dev.signet.agent.health;

import dev.signet.common.config.HealthChecks;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.signet.agent.config.AgentConfig;
import dev.signet.common.lifecycle.Lifecycle;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SPIRE's {@code health_checks} HTTP listener: {@code live_path} answers 200 while the agent runs and 503
 * once it stopped by itself; {@code ready_path} answers 200 only when the agent is ready (it has synced
 * with its server at least once, not too long ago, and its own SVID is valid), else 503 with the reason. Bodies are small JSON objects.
 * Only GET and HEAD are answered; other paths are 404.
 */
public final class HealthHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HealthHttpServer.class);

  /** The agent's health at one instant; {@code reason} says why it is not ready (null when ready). */
  public record Status(boolean live, boolean ready, String reason) {}

  private final HttpServer server;
  /** The request thread and the listening socket. */
  private final Lifecycle lifecycle;

  private HealthHttpServer(HttpServer server, Lifecycle lifecycle) {
    this.server = server;
    this.lifecycle = lifecycle;
  }

  /** Binds {@code bind_address:bind_port} and serves the two paths from {@code status}. */
  public static HealthHttpServer start(HealthChecks config, Supplier<Status> status) throws IOException {
    Objects.requireNonNull(status, "status");
    if (config.livePath().equals(config.readyPath())) {
      throw new IllegalArgumentException("health_checks live_path and ready_path are both \"" + config.livePath() + "\"");
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.bindPort()), 16);
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          respond(exchange, 405, "{\"error\":\"method not allowed\"}");
        } else if (path.equals(config.livePath())) {
          Status now = status.get();
          respond(exchange, now.live() ? 200 : 503, "{\"live\":" + now.live() + "}");
        } else if (path.equals(config.readyPath())) {
          Status now = status.get();
          boolean ready = now.live() && now.ready();
          respond(exchange, ready ? 200 : 503, "{\"ready\":" + ready
              + (ready || now.reason() == null ? "" : ",\"reason\":\"" + json(now.reason()) + "\"") + "}");
        } else {
          respond(exchange, 404, "{\"error\":\"not found\"}");
        }
      }
    });
    Lifecycle lifecycle = new Lifecycle("health checks");
    server.setExecutor(lifecycle.pushExecutor("request thread", Executors.newSingleThreadExecutor(r -> {
      Thread thread = new Thread(r, "signet-agent-health");
      thread.setDaemon(true);
      return thread;
    })));
    server.start();
    lifecycle.pushStep("listener", d -> server.stop(0));
    LOG.info("health checks listening on {} (live {}, ready {})", server.getAddress(), config.livePath(),
        config.readyPath());
    return new HealthHttpServer(server, lifecycle);
  }

  /** The bound address (the port is chosen by the system when {@code bind_port} is 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void respond(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static String json(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> escaped.append("\\\"");
        case '\\' -> escaped.append("\\\\");
        default -> {
          if (c < 0x20) {
            escaped.append(String.format("\\u%04x", (int) c));
          } else {
            escaped.append(c);
          }
        }
      }
    }
    return escaped.toString();
  }

  /** Closes the listening socket, then awaits the request thread. */
  @Override
  public void close() {
    lifecycle.close();
  }
}
