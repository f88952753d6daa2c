package dev.signet.attestors.node.awsiid;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local EC2 instance metadata service (JDK classes only, so the end-to-end tests can use it too) speaking
 * the real IMDSv2 paths and headers: {@code PUT /latest/api/token} needs
 * {@code X-aws-ec2-metadata-token-ttl-seconds} (1–21600, else 400) and hands out a token; every
 * {@code GET} needs a token it handed out in {@code X-aws-ec2-metadata-token}, else 401 (IMDSv2 required). With
 * {@link #tokensUnsupported()} it answers 404 to the token request and serves GETs without one (IMDSv1).
 */
public final class FakeImds implements AutoCloseable {
  public static final String DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
  public static final String SIGNATURE_PATH = "/latest/dynamic/instance-identity/signature";
  public static final String RSA2048_PATH = "/latest/dynamic/instance-identity/rsa2048";

  private final HttpServer server;
  private final Map<String, String> content = new ConcurrentHashMap<>();
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final AtomicInteger unauthorized = new AtomicInteger();
  private volatile boolean tokensSupported = true;

  public FakeImds(String document, String signature, String rsa2048) throws IOException {
    serve(document, signature, rsa2048);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Replaces what the three identity paths return (null: 404). */
  public void serve(String document, String signature, String rsa2048) {
    content.clear();
    put(DOCUMENT_PATH, document);
    put(SIGNATURE_PATH, signature);
    put(RSA2048_PATH, rsa2048);
  }

  /** Behaves as an IMDSv1-only service. */
  public FakeImds tokensUnsupported() {
    tokensSupported = false;
    return this;
  }

  /** The base URL, as {@code ec2_metadata_endpoint} takes it. */
  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  /** How many GETs were refused for a missing or wrong token. */
  public int unauthorizedRequests() {
    return unauthorized.get();
  }

  private void put(String path, String value) {
    if (value != null) {
      content.put(path, value);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.equals("/latest/api/token")) {
        token(exchange);
        return;
      }
      if (!exchange.getRequestMethod().equals("GET")) {
        respond(exchange, 405, "");
        return;
      }
      if (tokensSupported) {
        String token = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
        if (token == null || !tokens.contains(token)) {
          unauthorized.incrementAndGet();
          respond(exchange, 401, "");
          return;
        }
      }
      String body = content.get(path);
      respond(exchange, body == null ? 404 : 200, body == null ? "" : body);
    }
  }

  private void token(HttpExchange exchange) throws IOException {
    if (!tokensSupported) {
      respond(exchange, 404, "");
      return;
    }
    if (!exchange.getRequestMethod().equals("PUT")) {
      respond(exchange, 405, "");
      return;
    }
    String ttl = exchange.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
    int seconds;
    try {
      seconds = ttl == null ? -1 : Integer.parseInt(ttl);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < 1 || seconds > 21600) {
      respond(exchange, 400, "");
      return;
    }
    String token = "AQAEA" + UUID.randomUUID().toString().replace("-", "");
    tokens.add(token);
    exchange.getResponseHeaders().add("X-aws-ec2-metadata-token-ttl-seconds", Integer.toString(seconds));
    respond(exchange, 200, token);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
