package dev.signet.benchmarks;

import dev.signet.common.bundle.PemCodec;
import dev.signet.common.tls.SvidKeyManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * ghostunnel (the SPIFFE-aware TLS proxy, built by {@code tools/go-peers}) as a server-mode mTLS proxy beside
 * the gateway: same certificate, CA and echo upstream, each client's URI SAN allowed. Its CPU time is read
 * from {@code /proc/<pid>/stat} (all threads, in clock ticks of 10 ms).
 */
final class Ghostunnel implements AutoCloseable {
  private static final long NANOS_PER_TICK = 10_000_000L;

  private final Process process;
  final int port;

  private Ghostunnel(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Ghostunnel start(Path binary, SvidKeyManager.KeyMaterial svid, X509Certificate ca, int target,
      List<String> allowedUris) throws IOException {
    Path dir = Files.createTempDirectory("ghostunnel-bench");
    Path cert = Files.writeString(dir.resolve("cert.pem"), PemCodec.encodeCertificates(svid.chain()));
    Path key = Files.writeString(dir.resolve("key.pem"), PemCodec.encodePrivateKey(svid.privateKey()));
    Path cacert = Files.writeString(dir.resolve("ca.pem"), PemCodec.encodeCertificate(ca));
    int port;
    try (var free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(binary.toString(), "server", "--quiet=all",
        "--listen=127.0.0.1:" + port, "--target=127.0.0.1:" + target, "--cert=" + cert, "--key=" + key,
        "--cacert=" + cacert));
    allowedUris.forEach(uri -> command.add("--allow-uri=" + uri));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("ghostunnel.log").toFile()).start();
    Ghostunnel ghostunnel = new Ghostunnel(process, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!ghostunnel.listening()) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        ghostunnel.close();
        throw new IOException("ghostunnel did not start: " + Files.readString(dir.resolve("ghostunnel.log")));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return ghostunnel;
  }

  private boolean listening() {
    try (Socket probe = new Socket()) {
      probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** User + system CPU time of all its threads so far. */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after "pid (comm) ": state is field 3, utime field 14, stime field 15
      return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
