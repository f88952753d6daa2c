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
import dev.signet.gateway.proxy.RouteContext;
import dev.signet.gateway.x509.RotatingSslContext;
import dev.signet.gateway.x509.TlsContexts;
import dev.signet.common.workload.X509Context;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyFiles;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * What the gateway load drivers share: a trust domain with its CA, the gateway's SVID, client SVIDs
 * ({@code /client/N}), a policy that lets the clients in, event-loop threads whose CPU time is measured, and
 * percentiles. ACCP is installed as the gateway does.
 */
final class GatewayBenchFixture implements AutoCloseable {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  final TrustDomain domain = TrustDomain.parse("example.org");
  final TestCertificate.Issued ca = TestCertificate.ca("example.org")
      .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400)).issue();
  final Bundle bundle = Bundle.ofX509(domain, List.of(ca.certificate()));
  final SpiffeId gatewayId = domain.id("/gateway");
  final X509Context context = new X509Context(gatewayId, svid(gatewayId), Map.of(domain, bundle));
  final EventLoopGroup group;
  private final List<Thread> loopThreads = new ArrayList<>();

  GatewayBenchFixture(int gatewayThreads) {
    System.out.println("crypto provider: " + CryptoProviders.install(CryptoProviderMode.AUTO).provider().getName());
    AtomicInteger threadNumber = new AtomicInteger();
    group = new MultiThreadIoEventLoopGroup(gatewayThreads, r -> {
      Thread thread = new Thread(r, "gateway-bench-" + threadNumber.incrementAndGet());
      synchronized (loopThreads) {
        loopThreads.add(thread);
      }
      return thread;
    }, NioIoHandler.newFactory());
  }

  /** A route context whose decisions come from a policy letting {@code /client/*} do {@code action} on {@code resource}. */
  RouteContext route(String name, String action, String resource) throws Exception {
    Path policies = Files.createTempDirectory("gateway-bench-policies");
    Files.writeString(policies.resolve("bench.yaml"), """
        policies:
          - name: bench
            rules:
              - id: clients
                effect: allow
                principals: ["spiffe://example.org/client/*"]
                actions: ["%s"]
                resources: ["%s"]
        """.formatted(action, resource));
    PolicyEngine engine = new PolicyEngine(PolicyFiles.load(policies));
    RotatingSslContext tls = new RotatingSslContext(name, c -> TlsContexts.server(c, Set.of(), Clock.systemUTC()));
    tls.accept(context);
    return new RouteContext(name, tls, new CachingAuthorizer(new PolicyAuthorizer(() -> engine),
        Duration.ofSeconds(1), 10_000, System::nanoTime), new GatewayMetrics(), Duration.ofSeconds(10),
        Duration.ofSeconds(5), NioSocketChannel.class);
  }

  SpiffeId clientId(int n) {
    return domain.id("/client/" + n);
  }

  /** Client n's TLS 1.3 context: its SVID, and the gateway's SPIFFE ID checked against the bundle. */
  SSLContext client(int n) throws Exception {
    SSLContext client = SSLContext.getInstance("TLSv1.3");
    client.init(new KeyManager[] {new SvidKeyManager(svid(clientId(n)))},
        new TrustManager[] {new SpiffeServerTrustManager(gatewayId, () -> Optional.of(bundle), false, Clock.systemUTC())},
        null);
    return client;
  }

  SvidKeyManager.KeyMaterial svid(SpiffeId id) {
    TestCertificate.Issued leaf = TestCertificate.leaf(id.toString(), ca)
        .validity(Instant.now().minusSeconds(3600), Instant.now().plusSeconds(86400)).issue();
    return new SvidKeyManager.KeyMaterial(leaf.keyPair().getPrivate(), List.of(leaf.certificate()));
  }

  /** CPU time of the gateway's event-loop threads so far. */
  long gatewayCpuNanos() {
    long total = 0;
    synchronized (loopThreads) {
      for (Thread thread : loopThreads) {
        total += Math.max(0, THREADS.getThreadCpuTime(thread.threadId()));
      }
    }
    return total;
  }

  /** The p-th percentile of sorted nanosecond samples, in milliseconds. */
  static double percentileMillis(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
