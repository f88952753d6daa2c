package dev.signet.benchmarks;

import dev.signet.gateway.proxy.InboundTcpRoute;
import dev.signet.gateway.proxy.Listener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Full mTLS handshakes through the gateway's inbound TCP route on loopback: each client thread connects,
 * completes a TLS 1.3 handshake with a fresh session (resumption is off in the gateway anyway), sends one
 * byte that the gateway relays to an echo upstream after a policy decision, reads it back and closes.
 * Prints handshakes per second (wall clock), handshakes per CPU-second of the gateway's event-loop threads
 * (its per-core figure), and p50/p99 of connect+handshake and of the whole round trip. ECDSA P-256 SVIDs,
 * the JDK TLS provider. The clients run in the same JVM and share the cores. With {@code SIGNET_GHOSTUNNEL} set to
 * a ghostunnel binary, the same clients then run against ghostunnel in server mode (same certificate, CA and
 * upstream; its CPU from /proc) and the ratios are printed. Prints figures, asserts nothing.
 *
 * <p>Run: {@code java -cp … dev.signet.benchmarks.GatewayHandshakeLoad [seconds, default 10] [client threads, default 4]
 * [gateway threads, default 1]}.
 */
public final class GatewayHandshakeLoad {
  private GatewayHandshakeLoad() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int gatewayThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    try (GatewayBenchFixture fixture = new GatewayBenchFixture(gatewayThreads);
        ServerSocket echo = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> serveEcho(echo));
      List<SSLContext> clientContexts = new ArrayList<>();
      List<String> allowed = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        clientContexts.add(fixture.client(i));
        allowed.add(fixture.clientId(i).toString());
      }
      Result gateway;
      try (Listener listener = Listener.bind(new InetSocketAddress("127.0.0.1", 0), fixture.group, fixture.group,
          new InboundTcpRoute(fixture.route("bench", "connect", "echo"), "echo",
              (InetSocketAddress) echo.getLocalSocketAddress()))) {
        int port = listener.address().getPort();
        run("signet-gateway", port, clientContexts, Math.min(2, seconds), fixture::gatewayCpuNanos); // warm-up
        gateway = run("signet-gateway", port, clientContexts, seconds, fixture::gatewayCpuNanos);
      }
      String ghostunnelBinary = System.getenv("SIGNET_GHOSTUNNEL");
      if (ghostunnelBinary != null && !ghostunnelBinary.isEmpty()) {
        try (Ghostunnel ghostunnel = Ghostunnel.start(Path.of(ghostunnelBinary), fixture.context.svid(),
            fixture.ca.certificate(), echo.getLocalPort(), allowed)) {
          run("ghostunnel", ghostunnel.port, clientContexts, Math.min(2, seconds), ghostunnel::cpuNanos); // warm-up
          Result other = run("ghostunnel", ghostunnel.port, clientContexts, seconds, ghostunnel::cpuNanos);
          System.out.printf(Locale.ROOT, "signet-gateway / ghostunnel: handshakes per CPU-second %.2f, wall rate %.2f, "
                  + "handshake p50 %.2f, p99 %.2f%n", gateway.perCpuSecond() / other.perCpuSecond(),
              gateway.perSecond() / other.perSecond(), gateway.p50() / other.p50(), gateway.p99() / other.p99());
        }
      }
    }
  }

  /** The figures of one run: handshakes per wall second and per proxy CPU-second, connect+handshake p50/p99 (ms). */
  record Result(double perSecond, double perCpuSecond, double p50, double p99) {}

  private static Result run(String proxy, int port, List<SSLContext> clients, double seconds, LongSupplier proxyCpu)
      throws InterruptedException {
    long cpuBefore = proxyCpu.getAsLong();
    long end = System.nanoTime() + (long) (seconds * 1e9);
    Map<Integer, long[]> handshakes = new ConcurrentHashMap<>();
    Map<Integer, long[]> roundTrips = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < clients.size(); i++) {
      int index = i;
      threads.add(Thread.ofPlatform().name("client-" + i).start(() -> {
        long[] hs = new long[1 << 20];
        long[] rt = new long[1 << 20];
        int n = 0;
        byte[] one = {42};
        while (System.nanoTime() < end && n < hs.length) {
          long t0 = System.nanoTime();
          try (SSLSocket socket = (SSLSocket) clients.get(index).getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setTcpNoDelay(true);
            socket.startHandshake();
            long t1 = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(one);
            out.flush();
            InputStream in = socket.getInputStream();
            if (in.read() != 42) {
              failures.incrementAndGet();
              continue;
            }
            hs[n] = t1 - t0;
            rt[n] = System.nanoTime() - t0;
            n++;
            // a full handshake every time on both proxies: forget any session ticket the server sent
            socket.getSession().invalidate();
          } catch (IOException e) {
            failures.incrementAndGet();
          }
        }
        handshakes.put(index, Arrays.copyOf(hs, n));
        roundTrips.put(index, Arrays.copyOf(rt, n));
      }));
    }
    for (Thread thread : threads) {
      thread.join();
    }
    double wall = (System.nanoTime() - started) / 1e9;
    double gatewayCpu = (proxyCpu.getAsLong() - cpuBefore) / 1e9;
    long[] hs = handshakes.values().stream().flatMapToLong(Arrays::stream).sorted().toArray();
    long[] rt = roundTrips.values().stream().flatMapToLong(Arrays::stream).sorted().toArray();
    System.out.printf(Locale.ROOT, "%s mTLS handshakes, %d clients, %.1f s: %,d ok, %d failed, %,.0f/s wall, "
            + "%,.0f per proxy CPU-second (%.2f cores busy); connect+handshake p50 %.2f ms p99 %.2f ms; "
            + "with relayed byte p50 %.2f ms p99 %.2f ms%n", proxy, clients.size(), wall, hs.length, failures.get(),
        hs.length / wall, gatewayCpu > 0 ? hs.length / gatewayCpu : Double.NaN, gatewayCpu / wall,
        GatewayBenchFixture.percentileMillis(hs, 0.50), GatewayBenchFixture.percentileMillis(hs, 0.99), GatewayBenchFixture.percentileMillis(rt, 0.50), GatewayBenchFixture.percentileMillis(rt, 0.99));
    return new Result(hs.length / wall, gatewayCpu > 0 ? hs.length / gatewayCpu : Double.NaN, GatewayBenchFixture.percentileMillis(hs, 0.50),
        GatewayBenchFixture.percentileMillis(hs, 0.99));
  }

  private static void serveEcho(ServerSocket server) {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        Thread.ofVirtual().start(() -> {
          try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
          } catch (IOException e) {
            // the client closed
          }
        });
      } catch (IOException e) {
        return;
      }
    }
  }
}
