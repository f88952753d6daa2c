package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a cluster's API server, on the JDK's HTTP server over plain HTTP, speaking the real wire
 * format for what the Kubernetes node attestors ask: {@code POST /apis/authentication.k8s.io/v1/tokenreviews}
 * (tokens of {@link ServiceAccountTokens}, checked for signature, expiry and audience as the API server
 * does), {@code GET /api/v1/namespaces/{ns}/pods/{name}} and {@code GET /api/v1/nodes/{name}}. Callers must
 * present the bearer credential of the kubeconfig it writes; anything else is 401.
 */
final class FakeKubernetesApi implements AutoCloseable {
  static final String API_AUDIENCE = "https://kubernetes.default.svc";
  private static final String CREDENTIAL = "signet-server-credential";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern POD = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/]+)");
  private static final Pattern NODE = Pattern.compile("/api/v1/nodes/([^/]+)");

  private final ServiceAccountTokens tokens;
  private final HttpServer server;
  private final Map<String, Map<String, Object>> pods = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Object>> nodes = new ConcurrentHashMap<>();
  private final AtomicInteger tokenReviews = new AtomicInteger();

  FakeKubernetesApi(ServiceAccountTokens tokens) {
    this.tokens = tokens;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  void addNode(String name, String uid, Map<String, String> labels) {
    nodes.put(name, Map.of("apiVersion", "v1", "kind", "Node",
        "metadata", Map.of("name", name, "uid", uid, "labels", labels)));
  }

  void addPod(String namespace, String name, String uid, String nodeName, String hostIp) {
    pods.put(namespace + "/" + name, Map.of("apiVersion", "v1", "kind", "Pod",
        "metadata", Map.of("name", name, "namespace", namespace, "uid", uid, "labels", Map.of("app", "spire-agent")),
        "spec", Map.of("nodeName", nodeName, "serviceAccountName", "spire-agent"),
        "status", Map.of("hostIP", hostIp, "phase", "Running")));
  }

  int tokenReviews() {
    return tokenReviews.get();
  }

  /** A kubeconfig for this API server with its bearer credential. */
  Path writeKubeconfig(Path file) {
    String kubeconfig = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: fake
          cluster:
            server: http://127.0.0.1:%d
        users:
        - name: signet-server
          user:
            token: %s
        contexts:
        - name: fake
          context:
            cluster: fake
            user: signet-server
        current-context: fake
        """.formatted(server.getAddress().getPort(), CREDENTIAL);
    try {
      return Files.writeString(file, kubeconfig);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (!("Bearer " + CREDENTIAL).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        respond(exchange, 401, status(401, "Unauthorized", "Unauthorized"));
      } else if (method.equals("POST") && path.equals("/apis/authentication.k8s.io/v1/tokenreviews")) {
        tokenReviews.incrementAndGet();
        respond(exchange, 201, tokenReview(JSON.readTree(exchange.getRequestBody())));
      } else if (method.equals("GET")) {
        Matcher pod = POD.matcher(path);
        Matcher node = NODE.matcher(path);
        Map<String, Object> found = pod.matches() ? pods.get(pod.group(1) + "/" + pod.group(2))
            : node.matches() ? nodes.get(node.group(1)) : null;
        respond(exchange, found == null ? 404 : 200, found == null ? status(404, "NotFound", path + " not found") : found);
      } else {
        respond(exchange, 405, status(405, "MethodNotAllowed", method + " " + path));
      }
    }
  }

  /** The TokenReview the API server answers: authenticated only for a valid token of one of the audiences. */
  private Map<String, Object> tokenReview(JsonNode request) {
    JsonNode spec = request.path("spec");
    List<String> wanted = new ArrayList<>();
    spec.path("audiences").forEach(audience -> wanted.add(audience.asText()));
    if (wanted.isEmpty()) {
      wanted.add(API_AUDIENCE);
    }
    Optional<JsonNode> claims = tokens.verify(spec.path("token").asText());
    List<String> granted = new ArrayList<>();
    claims.ifPresent(c -> audiences(c).stream().filter(wanted::contains).forEach(granted::add));
    Map<String, Object> status = new LinkedHashMap<>();
    if (claims.isEmpty() || granted.isEmpty()) {
      status.put("user", Map.of());
      status.put("error", claims.isEmpty() ? "invalid bearer token" : "token audiences are invalid for the target audiences");
    } else {
      JsonNode k8s = claims.get().path("kubernetes.io");
      String username = claims.get().path("sub").asText();
      String namespace = username.split(":")[2];
      Map<String, Object> user = new LinkedHashMap<>(Map.of("username", username, "uid", "sa-uid",
          "groups", List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated")));
      if (k8s.has("pod")) {
        user.put("extra", Map.of("authentication.kubernetes.io/pod-name", List.of(k8s.path("pod").path("name").asText()),
            "authentication.kubernetes.io/pod-uid", List.of(k8s.path("pod").path("uid").asText())));
      }
      status.put("authenticated", true);
      status.put("user", user);
      status.put("audiences", granted);
    }
    return Map.of("kind", "TokenReview", "apiVersion", "authentication.k8s.io/v1",
        "metadata", Map.of(), "spec", spec, "status", status);
  }

  /** A legacy token has no {@code aud}: it is good for the API server's own audience only. */
  private static List<String> audiences(JsonNode claims) {
    JsonNode aud = claims.path("aud");
    List<String> audiences = new ArrayList<>();
    if (aud.isArray()) {
      aud.forEach(a -> audiences.add(a.asText()));
    } else {
      audiences.add(aud.isTextual() ? aud.asText() : API_AUDIENCE);
    }
    return audiences;
  }

  private static Map<String, Object> status(int code, String reason, String message) {
    return Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Failure",
        "message", message, "reason", reason, "code", code);
  }

  private static void respond(HttpExchange exchange, int code, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
