package dev.signet.attestors.workload.docker;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for the Docker daemon: the Engine API's HTTP/1.1 + JSON on a Unix socket, answering
 * {@code GET /version} and {@code GET /v<version>/containers/<id>/json} from canned documents, chunked
 * (as dockerd answers) or with a Content-Length. Records the request paths.
 */
public final class FakeDockerEngine implements AutoCloseable {
  private final Path socket;
  private final ServerSocketChannel server;
  private final Map<String, String> containers = new ConcurrentHashMap<>();
  public final List<String> requests = new CopyOnWriteArrayList<>();
  volatile boolean chunked = true;
  /** While set, every request waits for {@link #close} before it is answered: a daemon that hangs. */
  volatile boolean hanging;
  private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);

  public FakeDockerEngine(Path socket) throws IOException {
    this.socket = socket;
    Files.deleteIfExists(socket);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofVirtual().start(this::serve);
  }

  public Path socket() {
    return socket;
  }

  public void container(String id, String inspectJson) {
    containers.put(id, inspectJson);
  }

  private void serve() {
    while (server.isOpen()) {
      try {
        SocketChannel client = server.accept();
        Thread.ofVirtual().start(() -> answer(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void answer(SocketChannel client) {
    try (client) {
      ByteBuffer in = ByteBuffer.allocate(8192);
      StringBuilder request = new StringBuilder();
      while (!request.toString().contains("\r\n\r\n") && client.read(in) > 0) {
        in.flip();
        request.append(StandardCharsets.US_ASCII.decode(in));
        in.clear();
      }
      String path = request.toString().split(" ", 3)[1];
      requests.add(path);
      if (hanging) {
        closed.await();
        return;
      }
      String body;
      int status = 200;
      if (path.equals("/version")) {
        body = "{\"Version\":\"27.3.1\",\"ApiVersion\":\"1.47\",\"MinAPIVersion\":\"1.24\"}";
      } else if (path.matches("/v[0-9.]+/containers/[^/]+/json")) {
        String id = path.split("/")[3];
        body = containers.get(id);
        if (body == null) {
          status = 404;
          body = "{\"message\":\"No such container: " + id + "\"}";
        }
      } else {
        status = 404;
        body = "{\"message\":\"page not found\"}";
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String head = "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nApi-Version: 1.47\r\n";
      ByteBuffer out;
      if (chunked) {
        int half = bytes.length / 2;
        String chunks = Integer.toHexString(half) + "\r\n" + new String(bytes, 0, half, StandardCharsets.UTF_8) + "\r\n"
            + Integer.toHexString(bytes.length - half) + "\r\n"
            + new String(bytes, half, bytes.length - half, StandardCharsets.UTF_8) + "\r\n0\r\n\r\n";
        out = ByteBuffer.wrap((head + "Transfer-Encoding: chunked\r\n\r\n" + chunks).getBytes(StandardCharsets.UTF_8));
      } else {
        out = ByteBuffer.wrap((head + "Content-Length: " + bytes.length + "\r\n\r\n" + body)
            .getBytes(StandardCharsets.UTF_8));
      }
      while (out.hasRemaining()) {
        client.write(out);
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      // the client went away or timed out; nothing to answer
    }
  }

  @Override
  public void close() throws IOException {
    closed.countDown();
    server.close();
    Files.deleteIfExists(socket);
  }
}
