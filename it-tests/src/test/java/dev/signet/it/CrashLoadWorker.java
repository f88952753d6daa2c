package dev.signet.it;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client of the crash test: a mix of admin calls (entry create, update, delete; join token generate;
 * federated bundle set; X509-SVID mint; and, for worker 0, forced CA rotations) until the server dies.
 * It records what the server acknowledged and the one call it had in flight when the server died, whose
 * outcome may go either way. A worker touches only entries it created, so each entry's acknowledged state
 * is known exactly.
 */
final class CrashLoadWorker implements Runnable {
  /** The call in flight when the server died. */
  sealed interface InFlight {
    record Create(String path) implements InFlight {}
    record Update(String id, int ttl) implements InFlight {}
    record Delete(String id) implements InFlight {}
    record Other(String what) implements InFlight {}
  }

  final int number;
  final String prefix;
  /** Acknowledged, not deleted: entry id to its SPIFFE ID path and last acknowledged X509-SVID TTL. */
  final Map<String, String> paths = new HashMap<>();
  final Map<String, Integer> ttls = new HashMap<>();
  final Set<String> deleted = new HashSet<>();
  final List<String> tokens = new ArrayList<>();
  final Map<String, X509Certificate> federatedBundles = new HashMap<>();
  final List<X509Certificate> minted = new ArrayList<>();
  final List<String> activatedAuthorities = new ArrayList<>();
  InFlight inFlight;
  int acknowledgedThisRound;
  /** A failure other than the server going away: the test reports it. */
  Throwable unexpected;
  private final Path socket;
  private final byte[] csr;
  private final X509Certificate federatedAuthority;
  private final AtomicBoolean stop;
  /** Acknowledged calls of all workers of the round, for the test to pick its moment to kill. */
  private final AtomicInteger acknowledgedByAll;
  private final Random random;
  private int created;

  CrashLoadWorker(int number, Path socket, byte[] csr, X509Certificate federatedAuthority, AtomicBoolean stop,
      AtomicInteger acknowledgedByAll, long seed) {
    this.number = number;
    this.prefix = "/crash/w" + number + "/";
    this.socket = socket;
    this.csr = csr;
    this.federatedAuthority = federatedAuthority;
    this.stop = stop;
    this.acknowledgedByAll = acknowledgedByAll;
    this.random = new Random(seed);
  }

  /** Runs calls until the server stops answering (or the test says stop); never throws. */
  @Override
  public void run() {
    acknowledgedThisRound = 0;
    inFlight = null;
    try (AdminWire admin = new AdminWire(socket)) {
      while (!stop.get()) {
        step(admin);
        inFlight = null;
        acknowledgedThisRound++;
        acknowledgedByAll.incrementAndGet();
      }
    } catch (io.grpc.StatusRuntimeException e) {
      if (!gone(e.getStatus().getCode())) {
        unexpected = e;
      }
      // else the server died: the call in flight (if any) stays recorded in inFlight
    } catch (RuntimeException | AssertionError e) {
      unexpected = e;
    }
  }

  private void step(AdminWire admin) {
    int dice = random.nextInt(100);
    List<String> ids = new ArrayList<>(paths.keySet());
    if (dice < 40 || ids.isEmpty()) {
      String path = prefix + (++created) + "-" + random.nextInt(1_000_000);
      inFlight = new InFlight.Create(path);
      String id = admin.createEntry(SignetServer.id("/crash/node"), SignetServer.id(path), "unix:uid:" + (1000 + number));
      paths.put(id, path);
      ttls.put(id, 0);
    } else if (dice < 60) {
      String id = ids.get(random.nextInt(ids.size()));
      int ttl = 600 + random.nextInt(10_000);
      inFlight = new InFlight.Update(id, ttl);
      admin.updateEntryTtl(id, ttl);
      ttls.put(id, ttl);
    } else if (dice < 70) {
      String id = ids.get(random.nextInt(ids.size()));
      inFlight = new InFlight.Delete(id);
      admin.deleteEntry(id);
      paths.remove(id);
      ttls.remove(id);
      deleted.add(id);
    } else if (dice < 80) {
      inFlight = new InFlight.Other("token");
      // the token names a node with no entries: the agent that uses it at the end needs none
      tokens.add(admin.createJoinToken(3600, SignetServer.id("/crash/token-node")));
    } else if (dice < 88) {
      String trustDomain = "w" + number + "-" + random.nextInt(1_000_000) + ".test";
      inFlight = new InFlight.Other("bundle " + trustDomain);
      admin.setFederatedBundle(trustDomain, der(federatedAuthority));
      federatedBundles.put(trustDomain, federatedAuthority);
    } else if (dice < 97 || number != 0) {
      inFlight = new InFlight.Other("mint");
      minted.add(admin.mintX509Svid(csr, 3600).getFirst());
    } else {
      inFlight = new InFlight.Other("rotate");
      String prepared = admin.prepareX509Authority();
      admin.activateX509Authority(prepared);
      activatedAuthorities.add(prepared);
    }
  }

  private static boolean gone(io.grpc.Status.Code code) {
    return code == io.grpc.Status.Code.UNAVAILABLE || code == io.grpc.Status.Code.CANCELLED
        || code == io.grpc.Status.Code.DEADLINE_EXCEEDED;
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (java.security.cert.CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }
}
