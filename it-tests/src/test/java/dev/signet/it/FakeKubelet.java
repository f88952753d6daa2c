package dev.signet.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a kubelet's read-only port (plain HTTP, no credential, as {@code kubelet_read_only_port}
 * reads it): {@code GET /pods} answers the pods added, as the kubelet's {@code PodList}; anything else is 404.
 */
final class FakeKubelet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final List<Map<String, Object>> pods = new CopyOnWriteArrayList<>();

  FakeKubelet() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** A running pod with one running container, its ID as containerd reports it. */
  void addPod(String namespace, String name, String uid, String serviceAccount, Map<String, String> labels,
      String containerName, String containerId, String image) {
    pods.add(Map.of("metadata", Map.of("name", name, "namespace", namespace, "uid", uid, "labels", labels),
        "spec", Map.of("serviceAccountName", serviceAccount,
            "containers", List.of(Map.of("name", containerName, "image", image))),
        "status", Map.of("phase", "Running", "containerStatuses", List.of(Map.of("name", containerName,
            "image", image, "imageID", image, "containerID", "containerd://" + containerId, "ready", true)))));
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") || !exchange.getRequestURI().getPath().equals("/pods")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = JSON.writeValueAsBytes(Map.of("kind", "PodList", "apiVersion", "v1", "items", pods));
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
