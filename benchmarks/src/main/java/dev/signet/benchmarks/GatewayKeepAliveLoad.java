package dev.signet.benchmarks;

import com.sun.net.httpserver.HttpServer;
import dev.signet.gateway.proxy.InboundHttpRoute;
import dev.signet.gateway.proxy.Listener;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocket;

/**
 * Keep-alive HTTP through the gateway's inbound HTTP route versus a direct plain connection to the same
 * upstream (and, with {@code SIGNET_GHOSTUNNEL} set, through ghostunnel, a TCP-level mTLS proxy): each client
 * thread opens one connection and sends small GETs one after another on it. Prints requests per second,
 * p50/p99 request latency, the latency the proxy adds over the direct connection, and requests per proxy
 * CPU-second (the gateway's event loop, ghostunnel's process). Every gateway request is decided by the policy
 * engine (through its 1 s decision cache) and carries the caller's identity header upstream. Prints figures,
 * asserts nothing.
 *
 * <p>Run: {@code java -cp … dev.signet.benchmarks.GatewayKeepAliveLoad [seconds, default 10] [clients, default 4]
 * [gateway threads, default 1]}.
 */
public final class GatewayKeepAliveLoad {
  private static final byte[] REQUEST = "GET /bench/item HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private GatewayKeepAliveLoad() {}

  /** Opens a client's connection (plain or mTLS) to where it sends its requests. */
  @FunctionalInterface
  private interface Connector {
    Socket open(int client) throws Exception;
  }

  record Result(double perSecond, double p50, double p99, double perCpuSecond) {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int gatewayThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    upstream.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    byte[] body = "ok".getBytes(StandardCharsets.US_ASCII);
    upstream.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    int upstreamPort = upstream.getAddress().getPort();
    try (GatewayBenchFixture fixture = new GatewayBenchFixture(gatewayThreads)) {
      List<javax.net.ssl.SSLContext> contexts = new ArrayList<>();
      List<String> allowed = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        contexts.add(fixture.client(i));
        allowed.add(fixture.clientId(i).toString());
      }
      Connector direct = client -> SocketFactory.getDefault().createSocket("127.0.0.1", upstreamPort);
      run("direct", direct, clients, Math.min(2, seconds), () -> 0); // warm-up
      Result plain = run("direct", direct, clients, seconds, () -> 0);

      try (Listener listener = Listener.bind(new InetSocketAddress("127.0.0.1", 0), fixture.group, fixture.group,
          new InboundHttpRoute(fixture.route("bench", "GET", "/bench/*"), upstream.getAddress(),
              "X-Forwarded-Client-Cert", () -> fixture.gatewayId, 16 * 1024, 1 << 20, Duration.ofSeconds(30)))) {
        Connector gateway = tls(contexts, listener.address().getPort());
        run("signet-gateway", gateway, clients, Math.min(2, seconds), fixture::gatewayCpuNanos); // warm-up
        report("signet-gateway", run("signet-gateway", gateway, clients, seconds, fixture::gatewayCpuNanos), plain);
      }
      String ghostunnelBinary = System.getenv("SIGNET_GHOSTUNNEL");
      if (ghostunnelBinary != null && !ghostunnelBinary.isEmpty()) {
        try (Ghostunnel ghostunnel = Ghostunnel.start(Path.of(ghostunnelBinary), fixture.context.svid(),
            fixture.ca.certificate(), upstreamPort, allowed)) {
          Connector through = tls(contexts, ghostunnel.port);
          run("ghostunnel", through, clients, Math.min(2, seconds), ghostunnel::cpuNanos); // warm-up
          report("ghostunnel", run("ghostunnel", through, clients, seconds, ghostunnel::cpuNanos), plain);
        }
      }
    } finally {
      upstream.stop(0);
    }
  }

  private static Connector tls(List<javax.net.ssl.SSLContext> contexts, int port) {
    return client -> {
      SSLSocket socket = (SSLSocket) contexts.get(client).getSocketFactory().createSocket("127.0.0.1", port);
      socket.startHandshake();
      return socket;
    };
  }

  private static void report(String proxy, Result result, Result direct) {
    System.out.printf(Locale.ROOT, "%s over direct: throughput %.2f, added latency p50 %.3f ms, p99 %.3f ms%n", proxy,
        result.perSecond() / direct.perSecond(), result.p50() - direct.p50(), result.p99() - direct.p99());
  }

  private static Result run(String label, Connector connector, int clients, double seconds, LongSupplier proxyCpu)
      throws InterruptedException {
    long end = System.nanoTime() + (long) (seconds * 1e9);
    long cpuBefore = proxyCpu.getAsLong();
    List<long[]> samples = new ArrayList<>();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < clients; i++) {
      int client = i;
      long[] latencies = new long[1 << 21];
      samples.add(latencies);
      threads.add(Thread.ofPlatform().name("keepalive-client-" + i).start(() -> {
        int n = 0;
        try (Socket socket = connector.open(client)) {
          socket.setTcpNoDelay(true);
          socket.setSoTimeout(10_000);
          OutputStream out = socket.getOutputStream();
          InputStream in = new BufferedInputStream(socket.getInputStream());
          while (System.nanoTime() < end && n < latencies.length - 1) {
            long t0 = System.nanoTime();
            out.write(REQUEST);
            out.flush();
            readResponse(in);
            latencies[++n] = System.nanoTime() - t0;
          }
        } catch (Exception e) {
          failures.incrementAndGet();
        }
        latencies[0] = n;
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double wall = (System.nanoTime() - started) / 1e9;
    double cpu = (proxyCpu.getAsLong() - cpuBefore) / 1e9;
    long[] all = samples.stream().flatMapToLong(s -> Arrays.stream(s, 1, (int) s[0] + 1)).sorted().toArray();
    Result result = new Result(all.length / wall, GatewayBenchFixture.percentileMillis(all, 0.50),
        GatewayBenchFixture.percentileMillis(all, 0.99), cpu > 0 ? all.length / cpu : Double.NaN);
    System.out.printf(Locale.ROOT, "%s keep-alive GETs, %d clients, %.1f s: %,d ok, %d clients failed, %,.0f/s; "
            + "latency p50 %.3f ms p99 %.3f ms; %s%n", label, clients, wall, all.length, failures.get(),
        result.perSecond(), result.p50(), result.p99(),
        cpu > 0 ? String.format(Locale.ROOT, "%,.0f per proxy CPU-second", result.perCpuSecond()) : "no proxy");
    return result;
  }

  /** Reads one response with a Content-Length body. */
  private static void readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream(256);
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed mid-response");
      }
      head.write(b);
      state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
          : b == '\r' ? 1 : 0;
    }
    int length = 0;
    for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
      if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
      throw new IOException("not 200: " + head);
    }
    in.readNBytes(length);
  }
}
