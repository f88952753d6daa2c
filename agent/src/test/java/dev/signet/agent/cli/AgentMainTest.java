package dev.signet.agent.cli;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.CallerAttestor;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.TestIdentities;
import dev.signet.agent.workload.WorkloadApiServer;
import dev.signet.agent.workload.WorkloadApiService;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.attestors.workload.EtcUserDirectory;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.unix.UnixAttestorConfig;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.time.ManualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client commands against a real Workload API server on a temp socket. */
class AgentMainTest {
  private static final TestIdentities TD = new TestIdentities("example.org");
  private static final Instant NOW = TestCertificate.NOW;

  @TempDir Path temp;
  private WorkloadIdentityCache cache;
  private WorkloadApiServer server;
  private CachedIdentity web;
  private String uidSelector;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    uidSelector = "unix:uid:" + uidLine.split("\\s+")[2];
    web = TD.identity("e1", "/web", "", uidSelector);
    cache = new WorkloadIdentityCache(new IdentitySnapshot(TD.bundle, Map.of(), List.of(web)));
    LinuxProcFs proc = LinuxProcFs.system();
    ManualClock clock = new ManualClock(NOW);
    JwtSvidCache jwts = new JwtSvidCache((entryId, id, audiences) -> new JwtSvid(id,
        TD.jwt(id.path(), audiences, NOW, NOW.plusSeconds(300)), audiences, NOW.plusSeconds(300), NOW), clock);
    server = WorkloadApiServer.start(temp.resolve("api.sock"), new WorkloadApiService(cache,
        new CallerAttestor(proc, List.of(new UnixWorkloadAttestor(UnixAttestorConfig.DEFAULT, proc,
            EtcUserDirectory.system()))), jwts, clock));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    return AgentMain.commandLine(null, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute(all.toArray(String[]::new));
  }

  @Test
  void bareFetchFetchesX509SvidsAsSpireAgentDoes() {
    assertThat(run("api", "fetch", "-socketPath", server.socket().toString())).isZero();
    assertThat(out.toString()).contains("Received 1 svid after", "SPIFFE ID:\t\tspiffe://example.org/web");
  }

  @Test
  void watchPrintsEveryUpdateOfTheStream() throws Exception {
    Thread watcher = Thread.ofVirtual().start(() -> run("api", "watch", "-socketPath", server.socket().toString()));
    awaitOutput("spiffe://example.org/web");
    cache.update(new IdentitySnapshot(TD.bundle, Map.of(), List.of(web,
        TD.identity("e2", "/web-two", "second", uidSelector))));
    awaitOutput("spiffe://example.org/web-two");
    assertThat(out.toString()).contains("Received 1 svid after", "Received 2 svid after", "Hint:\t\t\tsecond");
    server.close();
    watcher.join(10_000);
    assertThat(watcher.isAlive()).as("watch ends when the stream does").isFalse();
  }

  private void awaitOutput(String text) {
    await().atMost(Duration.ofSeconds(10)).until(() -> out.toString().contains(text));
  }

  @Test
  void fetchX509PrintsTheSvid() {
    assertThat(run("api", "fetch", "x509", "-socketPath", server.socket().toString())).isZero();
    assertThat(out.toString()).contains("Received 1 svid after", "SPIFFE ID:\t\tspiffe://example.org/web",
        "SVID Valid After:\t2029-12-31 23:00:00 +0000 UTC", "CA #1 Valid Until:\t");
  }

  @Test
  void fetchX509WritesPemFilesWithAPrivateKeyFile() throws Exception {
    Path dir = temp.resolve("out");
    assertThat(run("api", "fetch", "x509", "-socketPath", server.socket().toString(), "-write", dir.toString(),
        "-silent")).isZero();
    assertThat(out.toString()).isEmpty();
    assertThat(PemCodec.decodeCertificates(Files.readString(dir.resolve("svid.0.pem"))))
        .containsExactlyElementsOf(web.svid().chain());
    assertThat(PemCodec.decodePrivateKey(Files.readString(dir.resolve("svid.0.key"))).getEncoded())
        .isEqualTo(web.svid().privateKey().getEncoded());
    assertThat(PemCodec.decodeCertificates(Files.readString(dir.resolve("bundle.0.pem"))))
        .containsExactly(TD.ca.certificate());
    assertThat(mode(dir.resolve("svid.0.key")))
        .isEqualTo("rw-------");
  }

  @Test
  void fetchX509AsJson() {
    assertThat(run("api", "fetch", "x509", "-socketPath", server.socket().toString(), "-output", "json")).isZero();
    // spire-agent's shape: one line, every field of X509SVIDResponse, keys sorted
    assertThat(out.toString().strip()).doesNotContain("\n").startsWith("{\"crl\":[],\"federated_bundles\":{")
        .contains("\"hint\":\"\"", "\"spiffe_id\":\"spiffe://example.org/web\"");
  }

  @Test
  void fetchJwtAsJsonIsOneArrayAsSpireAgentPrintsIt() throws Exception {
    assertThat(run("api", "fetch", "jwt", "-audience", "db", "-socketPath", server.socket().toString(),
        "-output", "json")).isZero();
    com.fasterxml.jackson.databind.JsonNode printed = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(out.toString());
    assertThat(out.toString().strip()).doesNotContain("\n");
    assertThat(printed.isArray()).isTrue();
    assertThat(printed.path(0).path("svids").path(0).path("spiffe_id").asText()).isEqualTo("spiffe://example.org/web");
    assertThat(printed.path(1).path("bundles").has("spiffe://example.org")).isTrue();
    String token = printed.path(0).path("svids").path(0).path("svid").asText();

    out.getBuffer().setLength(0);
    assertThat(run("api", "validate", "jwt", "-audience", "db", "-svid", token, "-output", "json",
        "-socketPath", server.socket().toString())).isZero();
    // claims' numbers as Go prints a float64: "exp":1234567890, never 1.23456789E9
    assertThat(out.toString()).containsPattern("\"exp\":\\d+[,}]").doesNotContain("E9");
  }

  @Test
  void aMissingSocketIsNamedWithItsCause() {
    String missing = server.socket().resolveSibling("nothing-here.sock").toString();
    assertThat(run("api", "fetch", "x509", "-socketPath", missing)).isEqualTo(1);
    assertThat(err.toString()).contains("error fetching X509-SVID: rpc error: code = Unavailable desc = connection error: "
        + "desc = \"transport: error while dialing: dial unix " + missing + ": connect: no such file or directory\"");
  }

  @Test
  void noIdentityIsReportedLikeSpire() {
    cache.update(IdentitySnapshot.empty(TD.bundle));
    assertThat(run("api", "fetch", "x509", "-socketPath", server.socket().toString())).isEqualTo(1);
    assertThat(err.toString()).contains("rpc error: code = PermissionDenied desc = no identity issued");
  }

  @Test
  void fetchJwtThenValidateIt() {
    assertThat(run("api", "fetch", "jwt", "-audience", "db", "-socketPath", server.socket().toString())).isZero();
    String printed = out.toString();
    assertThat(printed).contains("token(spiffe://example.org/web):", "bundle(spiffe://example.org):");
    String token = printed.lines().dropWhile(l -> !l.startsWith("token(")).skip(1).findFirst().orElseThrow().strip();

    out.getBuffer().setLength(0);
    assertThat(run("api", "validate", "jwt", "-audience", "db", "-svid", token,
        "-socketPath", server.socket().toString())).isZero();
    assertThat(out.toString()).contains("SVID is valid.", "SPIFFE ID : spiffe://example.org/web");

    assertThat(run("api", "validate", "jwt", "-audience", "other", "-svid", token,
        "-socketPath", server.socket().toString())).isEqualTo(1);
    assertThat(err.toString()).contains("code = InvalidArgument");
  }

  @Test
  void healthcheck() {
    assertThat(run("healthcheck", "-socketPath", server.socket().toString())).isZero();
    assertThat(out.toString()).contains("Agent is healthy.");
    server.setServing(false);
    assertThat(run("healthcheck", "-shallow", "-socketPath", server.socket().toString())).isEqualTo(1);
    assertThat(err.toString()).contains("Agent is unhealthy");
  }

  @Test
  void healthcheckOnAMissingSocketIsUnhealthy() {
    assertThat(run("healthcheck", "-socketPath", temp.resolve("nope.sock").toString(), "-timeout", "2s")).isEqualTo(1);
    assertThat(err.toString()).contains("Agent is unhealthy: unable to determine health: rpc error: code = Unavailable",
        "dial unix " + temp.resolve("nope.sock") + ": connect: no such file or directory");
  }

  @Test
  void runWithoutARunnerFailsClearlyAndRunnerGetsTheFlags() {
    assertThat(run("run", "-config", "x.conf")).isEqualTo(1);
    assertThat(err.toString()).contains("not wired yet");

    List<RunOptions> seen = new ArrayList<>();
    int code = AgentMain.commandLine(options -> {
      seen.add(options);
      return 0;
    }, new PrintWriter(out, true), new PrintWriter(err, true))
        .execute("run", "-config", "a.conf", "-joinToken", "secret", "-serverPort", "9090", "-socketPath", "/run/s.sock");
    assertThat(code).isZero();
    assertThat(seen.getFirst().config()).isEqualTo(Path.of("a.conf"));
    assertThat(seen.getFirst().joinToken().reveal()).isEqualTo("secret");
    assertThat(seen.getFirst().serverPort()).isEqualTo(9090);
    assertThat(seen.getFirst().toString()).doesNotContain("secret");
  }
}
