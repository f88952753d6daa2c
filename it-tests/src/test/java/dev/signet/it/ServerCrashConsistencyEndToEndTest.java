package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server is killed with SIGKILL at random moments, twenty times, while three clients run a mixed
 * load on its admin socket (entries created, updated and deleted; join tokens; federated bundles; X509-SVID
 * mints; forced CA rotations). After each restart on the same data dir: every acknowledged change is there
 * exactly once and nothing else is (the one call in flight per client may have gone either way), every
 * authority seen in the bundle before is still in it, every minted SVID is signed by a key in the bundle,
 * and the audit trail verifies. At the end, a token acknowledged just before a kill attests a real agent,
 * and a ban acknowledged just before a kill holds after the restart.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class ServerCrashConsistencyEndToEndTest extends WorkspacePerTest {
  private static final int ROUNDS = 20;
  private static final int WORKERS = 3;

  private final Random random = new Random();
  private SignetServer server;

  ServerCrashConsistencyEndToEndTest() {
    super("crash");
  }

  @Test
  void everyAcknowledgedChangeSurvivesTwentyKillsExactlyOnce() throws Exception {
    long seed = random.nextLong();
    System.out.println("crash test seed " + seed);
    server = new SignetServer(workspace).start();
    byte[] csr = openssl("csr.der", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-nodes", "-keyout", workspace.path("csr.key").toString(), "-subj", "/O=crash",
        "-addext", "subjectAltName=URI:" + SignetServer.id("/crash/minted"), "-outform", "DER", "-out");
    X509Certificate foreignRoot = certificate(openssl("foreign.der", "req", "-x509", "-newkey", "ec",
        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", workspace.path("foreign.key").toString(),
        "-subj", "/O=foreign", "-days", "30", "-outform", "DER", "-out"));

    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger roundAcknowledged = new AtomicInteger();
    List<CrashLoadWorker> workers = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      workers.add(new CrashLoadWorker(i, server.socket(), csr, foreignRoot, stop, roundAcknowledged, seed + i));
    }
    Set<X509Certificate> rootsSeen = new HashSet<>(bundleRoots());
    int acknowledged = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      stop.set(false);
      roundAcknowledged.set(0);
      List<Thread> threads = workers.stream().map(w -> Thread.ofPlatform().name("crash-load-" + w.number).start(w))
          .toList();
      // the kill lands after a random number of acknowledged calls, whatever the machine's speed
      int killAfter = 20 + random.nextInt(300);
      Poll.until(killAfter + " acknowledged calls (or a worker stopping)", java.time.Duration.ofMinutes(2),
          () -> roundAcknowledged.get() >= killAfter || threads.stream().anyMatch(t -> !t.isAlive()));
      server.process().kill();
      stop.set(true);
      for (Thread thread : threads) {
        assertThat(thread.join(java.time.Duration.ofSeconds(60))).as("load worker ends").isTrue();
      }
      int roundAcks = workers.stream().mapToInt(w -> w.acknowledgedThisRound).sum();
      acknowledged += roundAcks;
      for (CrashLoadWorker worker : workers) {
        assertThat(worker.unexpected).as("worker %d: a failure other than the server dying", worker.number)
            .isNull();
      }

      server.start();
      Map<String, JsonNode> entries = entriesById();
      for (CrashLoadWorker worker : workers) {
        checkEntries(worker, entries, round);
        checkBundlesAndSvids(worker, round);
      }
      List<X509Certificate> roots = bundleRoots();
      assertThat(roots).as("round %d: no authority lost from the bundle", round).containsAll(rootsSeen);
      rootsSeen.addAll(roots);
      // the trail against its key (its anchor lives in the embedded database, which the running server holds)
      Distribution.run(java.time.Duration.ofSeconds(60), List.of(Distribution.get().serverBin(), "audit", "verify",
          "-path", workspace.path("server/audit.log").toString(), "-key", workspace.path("server/audit.key").toString()))
          .requireOk();
      System.out.printf("round %d: %d calls acknowledged before the kill, all kept%n", round, roundAcks);
    }
    System.out.printf("%d rounds, %d acknowledged calls, none lost%n", ROUNDS, acknowledged);
    assertThat(acknowledged).as("the load did real work").isGreaterThan(ROUNDS * 5);

    tokenAndBanSurviveAKill(workers);
  }

  /** Each worker's acknowledged entries are there once, its acknowledged deletes are gone, nothing else. */
  private void checkEntries(CrashLoadWorker worker, Map<String, JsonNode> all, int round) {
    Map<String, JsonNode> mine = new HashMap<>();
    Map<String, Integer> pathCounts = new HashMap<>();
    all.forEach((id, entry) -> {
      String path = entry.path("spiffe_id").path("path").asText();
      if (path.startsWith(worker.prefix)) {
        mine.put(id, entry);
        pathCounts.merge(path, 1, Integer::sum);
      }
    });
    String where = "round " + round + ", worker " + worker.number + " (in flight: " + worker.inFlight + ")";
    assertThat(pathCounts.values()).as("%s: no entry twice", where).allMatch(n -> n == 1);
    for (JsonNode entry : mine.values()) {
      assertThat(entry.path("selectors")).as("%s: entry whole: %s", where, entry).hasSize(1);
    }
    for (Map.Entry<String, String> acked : worker.paths.entrySet()) {
      String id = acked.getKey();
      boolean deleteInFlight = worker.inFlight instanceof CrashLoadWorker.InFlight.Delete d && d.id().equals(id);
      if (deleteInFlight && !mine.containsKey(id)) {
        continue;
      }
      assertThat(mine).as("%s: acknowledged entry %s (%s) kept", where, id, acked.getValue()).containsKey(id);
      int ttl = mine.get(id).path("x509_svid_ttl").asInt(0);
      if (worker.inFlight instanceof CrashLoadWorker.InFlight.Update u && u.id().equals(id)) {
        assertThat(ttl).as("%s: ttl of %s", where, id).isIn(worker.ttls.get(id), u.ttl());
      } else {
        assertThat(ttl).as("%s: acknowledged ttl of %s", where, id).isEqualTo(worker.ttls.get(id));
      }
    }
    for (String id : worker.deleted) {
      assertThat(mine).as("%s: acknowledged delete of %s kept", where, id).doesNotContainKey(id);
    }
    Set<String> unexplained = new HashSet<>(mine.keySet());
    unexplained.removeAll(worker.paths.keySet());
    if (worker.inFlight instanceof CrashLoadWorker.InFlight.Create c) {
      unexplained.removeIf(id -> mine.get(id).path("spiffe_id").path("path").asText().equals(c.path()));
    }
    assertThat(unexplained).as("%s: entries nobody acknowledged creating", where).isEmpty();
    settle(worker, mine);
  }

  /** The in-flight call's outcome is now known: fold it into what the worker knows for the next round. */
  private static void settle(CrashLoadWorker worker, Map<String, JsonNode> mine) {
    switch (worker.inFlight) {
      case CrashLoadWorker.InFlight.Create c -> mine.forEach((id, entry) -> {
        if (entry.path("spiffe_id").path("path").asText().equals(c.path())) {
          worker.paths.put(id, c.path());
          worker.ttls.put(id, entry.path("x509_svid_ttl").asInt(0));
        }
      });
      case CrashLoadWorker.InFlight.Update u -> worker.ttls.put(u.id(), mine.get(u.id()).path("x509_svid_ttl").asInt(0));
      case CrashLoadWorker.InFlight.Delete d -> {
        if (!mine.containsKey(d.id())) {
          worker.paths.remove(d.id());
          worker.ttls.remove(d.id());
          worker.deleted.add(d.id());
        }
      }
      case null, default -> { }
    }
    worker.inFlight = null;
  }

  private void checkBundlesAndSvids(CrashLoadWorker worker, int round) {
    List<X509Certificate> roots = bundleRoots();
    try (AdminWire admin = new AdminWire(server.socket())) {
      worker.federatedBundles.forEach((trustDomain, authority) -> assertThat(admin.federatedBundle(trustDomain))
          .as("round %d: acknowledged federated bundle %s", round, trustDomain).containsExactly(authority));
    }
    for (X509Certificate svid : worker.minted) {
      assertThat(roots.stream().anyMatch(root -> signedBy(svid, root)))
          .as("round %d: minted SVID %s is signed by a key in the bundle", round, svid.getSerialNumber()).isTrue();
    }
  }

  private void tokenAndBanSurviveAKill(List<CrashLoadWorker> workers) {
    List<String> tokens = workers.stream().flatMap(w -> w.tokens.stream()).toList();
    assertThat(tokens).as("tokens acknowledged during the rounds").isNotEmpty();
    SignetAgent agent = new SignetAgent(workspace, server, "crash-agent").attestWithToken(tokens.getLast());
    server.admin("agent", "ban", "-spiffeID", agent.spiffeId()).requireOk();
    server.process().kill();
    server.start();
    JsonNode shown = SignetServer.json(server.admin("agent", "show", "-spiffeID", agent.spiffeId(), "-output", "json")
        .requireOk());
    assertThat(shown.toString()).as("the ban acknowledged before the kill").contains("\"banned\":true");
    agent.stop();
  }

  private Map<String, JsonNode> entriesById() {
    Map<String, JsonNode> byId = new HashMap<>();
    SignetServer.json(server.admin("entry", "show", "-output", "json").requireOk()).path("entries")
        .forEach(entry -> byId.put(entry.path("id").asText(), entry));
    return byId;
  }

  private List<X509Certificate> bundleRoots() {
    try (AdminWire admin = new AdminWire(server.socket())) {
      return admin.bundleRoots();
    }
  }

  private static boolean signedBy(X509Certificate certificate, X509Certificate root) {
    try {
      certificate.verify(root.getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  /** Runs openssl with the output file as its last argument; returns the file's bytes. */
  private byte[] openssl(String outputName, String... args) throws Exception {
    Path out = workspace.path(outputName);
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("openssl")));
    command.addAll(List.of(args));
    command.add(out.toString());
    Distribution.run(java.time.Duration.ofSeconds(30), command).requireOk();
    return Files.readAllBytes(out);
  }

  private static X509Certificate certificate(byte[] der) throws Exception {
    return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }
}
