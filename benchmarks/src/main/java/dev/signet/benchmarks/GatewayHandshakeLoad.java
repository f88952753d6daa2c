package dev.signet.benchmarks;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.gateway.authz.CachingAuthorizer;
import dev.signet.gateway.authz.PolicyAuthorizer;
import dev.signet.gateway.metrics.GatewayMetrics;
import dev.signet.gateway.proxy.InboundTcpRoute;
import dev.signet.gateway.proxy.Listener;
import dev.signet.gateway.proxy.RouteContext;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import dev.signet.gateway.x509.X509Context;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;

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
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private GatewayHandshakeLoad() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int clients = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    int gatewayThreads = args.length > 2 ? Integer.parseInt(args[2]) : 1;
    // as the gateway does: the JSSE handshakes sign and verify through ACCP when it loads
    System.out.println("crypto provider: " + CryptoProviders.install(CryptoProviderMode.AUTO).provider().getName());
    TrustDomain domain = TrustDomain.parse("example.org");
    TestCertificate.Issued ca = TestCertificate.ca("example.org")
        .validity(java.time.Instant.now().minusSeconds(3600), java.time.Instant.now().plusSeconds(86400)).issue();
    Bundle bundle = Bundle.ofX509(domain, List.of(ca.certificate()));
    SpiffeId gatewayId = domain.id("/gateway");
    X509Context context = new X509Context(gatewayId, svid(gatewayId, ca), Map.of(domain, bundle));

    Path policies = Files.createTempDirectory("gateway-bench-policies");
    Files.writeString(policies.resolve("bench.yaml"), """
        policies:
          - name: bench
            rules:
              - id: clients-connect
                effect: allow
                principals: ["spiffe://example.org/client/*"]
                actions: ["connect"]
                resources: ["echo"]
        """);
    PolicyEngine engine = new PolicyEngine(PolicyFiles.load(policies));

    AtomicInteger threadNumber = new AtomicInteger();
    List<Thread> loopThreads = new ArrayList<>();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(gatewayThreads, r -> {
      Thread thread = new Thread(r, "gateway-bench-" + threadNumber.incrementAndGet());
      synchronized (loopThreads) {
        loopThreads.add(thread);
      }
      return thread;
    }, NioIoHandler.newFactory());
    try (ServerSocket echo = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress())) {
      Thread.ofVirtual().start(() -> serveEcho(echo));
      RotatingSslContext tls = new RotatingSslContext("bench", c -> TlsContexts.server(c, Set.of(), Clock.systemUTC()));
      tls.accept(context);
      RouteContext route = new RouteContext("bench", tls, new CachingAuthorizer(new PolicyAuthorizer(() -> engine),
          Duration.ofSeconds(1), 10_000, System::nanoTime), new GatewayMetrics(), Duration.ofSeconds(10),
          Duration.ofSeconds(5), NioSocketChannel.class);
      try (Listener listener = Listener.bind(new InetSocketAddress("127.0.0.1", 0), group, group,
          new InboundTcpRoute(route, "echo", (InetSocketAddress) echo.getLocalSocketAddress()))) {
        List<SSLContext> clientContexts = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
          clientContexts.add(client(svid(domain.id("/client/" + i), ca), gatewayId, bundle));
        }
        LongSupplier gatewayCpu = () -> cpu(loopThreads);
        run("signet-gateway", listener.address().getPort(), clientContexts, Math.min(2, seconds), gatewayCpu); // warm-up
        Result gateway = run("signet-gateway", listener.address().getPort(), clientContexts, seconds, gatewayCpu);
        String ghostunnelBinary = System.getenv("SIGNET_GHOSTUNNEL");
        if (ghostunnelBinary != null && !ghostunnelBinary.isEmpty()) {
          List<String> allowed = new ArrayList<>();
          for (int i = 0; i < clients; i++) {
            allowed.add(domain.id("/client/" + i).toString());
          }
          try (Ghostunnel ghostunnel = Ghostunnel.start(Path.of(ghostunnelBinary), context.svid(), ca.certificate(),
              echo.getLocalPort(), allowed)) {
            run("ghostunnel", ghostunnel.port, clientContexts, Math.min(2, seconds), ghostunnel::cpuNanos); // warm-up
            Result other = run("ghostunnel", ghostunnel.port, clientContexts, seconds, ghostunnel::cpuNanos);
            System.out.printf(Locale.ROOT, "signet-gateway / ghostunnel: handshakes per CPU-second %.2f, wall rate %.2f, "
                    + "handshake p50 %.2f, p99 %.2f%n", gateway.perCpuSecond() / other.perCpuSecond(),
                gateway.perSecond() / other.perSecond(), gateway.p50() / other.p50(), gateway.p99() / other.p99());
          }
        }
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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
        percentile(hs, 0.50), percentile(hs, 0.99), percentile(rt, 0.50), percentile(rt, 0.99));
    return new Result(hs.length / wall, gatewayCpu > 0 ? hs.length / gatewayCpu : Double.NaN, percentile(hs, 0.50),
        percentile(hs, 0.99));
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static long cpu(List<Thread> threads) {
    long total = 0;
    synchronized (threads) {
      for (Thread thread : threads) {
        long t = THREADS.getThreadCpuTime(thread.threadId());
        total += Math.max(0, t);
      }
    }
    return total;
  }

  private static SvidKeyManager.KeyMaterial svid(SpiffeId id, TestCertificate.Issued ca) {
    TestCertificate.Issued leaf = TestCertificate.leaf(id.toString(), ca)
        .validity(java.time.Instant.now().minusSeconds(3600), java.time.Instant.now().plusSeconds(86400)).issue();
    return new SvidKeyManager.KeyMaterial(leaf.keyPair().getPrivate(), List.of(leaf.certificate()));
  }

  private static SSLContext client(SvidKeyManager.KeyMaterial svid, SpiffeId server, Bundle bundle) throws Exception {
    SSLContext context = SSLContext.getInstance("TLSv1.3");
    context.init(new KeyManager[] {new SvidKeyManager(svid)},
        new TrustManager[] {new SpiffeServerTrustManager(server, () -> Optional.of(bundle), false, Clock.systemUTC())},
        null);
    return context;
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
