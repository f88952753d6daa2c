package dev.signet.agent.helper;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.HclDocument;
import dev.signet.common.testing.TestCertificate;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The helper against a hand-written Workload API, with real files and a real managed process (sh). */
class HelperTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final String JWKS = "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"k\",\"crv\":\"P-256\",\"x\":\"AA\",\"y\":\"AA\"}]}";

  @TempDir Path dir;
  private FakeWorkloadApi api;
  private WorkloadApiClient client;
  private final TestCertificate.Issued root = TestCertificate.ca("example.org").issue();
  private final TestCertificate.Issued intermediate = TestCertificate.ca("example.org").issuer(root).issue();
  private final TestCertificate.Issued partnerRoot = TestCertificate.ca("partner.org").issue();

  @BeforeEach
  void start() throws IOException {
    api = new FakeWorkloadApi(dir.resolve("api.sock"));
    client = new WorkloadApiClient(dir.resolve("api.sock"), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  private HelperConfig config(String extra) {
    return HelperConfigParser.parse(HclDocument.parse("agent_address = \"" + dir.resolve("api.sock") + "\"\n"
        + "cert_dir = \"" + dir.resolve("certs") + "\"\n" + extra), null, Map.of());
  }

  private static final String FILES = """
      svid_file_name = "svid.pem"
      svid_key_file_name = "svid_key.pem"
      svid_bundle_file_name = "svid_bundle.pem"
      jwt_bundle_file_name = "jwt_bundle.json"
      jwt_svids = [{jwt_audience = "postgres", jwt_extra_audiences = ["audit"], jwt_svid_file_name = "db.token"}]
      """;

  private X509SVID svid(String id, String hint, TestCertificate.Issued leaf) {
    return X509SVID.newBuilder().setSpiffeId(id).setHint(hint)
        .setX509Svid(ByteString.copyFrom(DerCodec.concat(List.of(leaf.certificate(), intermediate.certificate()))))
        .setX509SvidKey(ByteString.copyFrom(leaf.keyPair().getPrivate().getEncoded()))
        .setBundle(ByteString.copyFrom(DerCodec.concat(List.of(root.certificate())))).build();
  }

  private TestCertificate.Issued leaf(String id) {
    return TestCertificate.leaf(id, intermediate).issue();
  }

  private X509SVIDResponse response(TestCertificate.Issued db) {
    return X509SVIDResponse.newBuilder()
        .addSvids(svid("spiffe://example.org/other", "other", leaf("spiffe://example.org/other")))
        .addSvids(svid("spiffe://example.org/db", "db", db))
        .putFederatedBundles("spiffe://partner.org", ByteString.copyFrom(DerCodec.concat(List.of(partnerRoot.certificate()))))
        .build();
  }

  private static JWTBundlesResponse jwtBundles() {
    return JWTBundlesResponse.newBuilder().putBundles("spiffe://example.org", FakeWorkloadApi.bytes(JWKS))
        .putBundles("spiffe://partner.org", FakeWorkloadApi.bytes("{\"keys\":[]}")).build();
  }

  private Path certs(String name) {
    return dir.resolve("certs").resolve(name);
  }

  private long lines(String file) throws IOException {
    Path path = dir.resolve(file);
    return Files.exists(path) ? Files.readAllLines(path).size() : 0;
  }

  @Test
  void oneShotWritesEveryFileWithItsModeThenRunsCmdAndReturnsItsExitCode() throws Exception {
    TestCertificate.Issued db = leaf("spiffe://example.org/db");
    api.firstX509.set(response(db));
    api.firstBundles.set(jwtBundles());
    HelperConfig config = config(FILES + """
        hint = "db"
        add_intermediates_to_bundle = true
        include_federated_domains = true
        key_file_mode = 0640
        cmd = "sh"
        cmd_args = "-c 'test -s %s && test -s %s && exit 7'"
        """.formatted(certs("svid.pem"), certs("db.token")));
    Files.createDirectories(dir.resolve("certs"));

    int exit;
    try (Helper helper = new Helper(config, client)) {
      exit = helper.runOnce(DEADLINE);
      assertThat(helper.ready()).isTrue();
    }

    assertThat(exit).as("cmd ran after the files were written and its exit code is the helper's").isEqualTo(7);
    assertThat(PemCodec.decodeCertificates(Files.readString(certs("svid.pem"))))
        .as("the hinted SVID's leaf alone: intermediates go to the bundle").containsExactly(db.certificate());
    assertThat(PemCodec.decodeCertificates(Files.readString(certs("svid_bundle.pem"))))
        .containsExactly(root.certificate(), intermediate.certificate(), partnerRoot.certificate());
    assertThat(PemCodec.decodePrivateKey(Files.readString(certs("svid_key.pem"))).getEncoded())
        .isEqualTo(db.keyPair().getPrivate().getEncoded());
    assertThat(mode(certs("svid.pem"))).isEqualTo("rw-r--r--");
    assertThat(mode(certs("svid_bundle.pem"))).isEqualTo("rw-r--r--");
    assertThat(mode(certs("svid_key.pem"))).isEqualTo("rw-r-----");
    assertThat(mode(certs("db.token"))).isEqualTo("rw-------");
    assertThat(mode(certs("jwt_bundle.json"))).isEqualTo("rw-------");
    JsonNode claims = claims(Files.readString(certs("db.token")));
    assertThat(claims.get("sub").asText()).as("the hint chose the JWT-SVID too").isEqualTo("spiffe://example.org/db");
    assertThat(api.jwtAudiences).containsExactly(List.of("postgres", "audit"));
    JsonNode bundle = JsonMapper.builder().build().readTree(Files.readString(certs("jwt_bundle.json")));
    assertThat(new String(Base64.getDecoder().decode(bundle.get("example.org").asText()), StandardCharsets.UTF_8))
        .isEqualTo(JWKS);
    assertThat(bundle.fieldNames()).toIterable().as("keyed by trust domain name, as spiffe-helper writes them")
        .containsExactly("example.org", "partner.org");
    try (Stream<Path> files = Files.list(dir.resolve("certs"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("no temporary file is left behind")
          .containsExactlyInAnyOrder("svid.pem", "svid_key.pem", "svid_bundle.pem", "db.token", "jwt_bundle.json");
    }
  }

  @Test
  void withoutTheFlagsTheFirstSvidAndItsChainAreWrittenAndOnlyTheTrustDomainsCas() throws Exception {
    api.firstX509.set(response(leaf("spiffe://example.org/db")));
    try (Helper helper = new Helper(config("""
        svid_file_name = "svid.pem"
        svid_key_file_name = "svid_key.pem"
        svid_bundle_file_name = "svid_bundle.pem"
        """), client)) {
      assertThat(helper.runOnce(DEADLINE)).isZero();
    }
    List<X509Certificate> chain = PemCodec.decodeCertificates(Files.readString(certs("svid.pem")));
    assertThat(chain).hasSize(2);
    assertThat(chain.get(0).getSubjectAlternativeNames().toString()).contains("spiffe://example.org/other");
    assertThat(chain.get(1)).isEqualTo(intermediate.certificate());
    assertThat(PemCodec.decodeCertificates(Files.readString(certs("svid_bundle.pem")))).containsExactly(root.certificate());
  }

  @Test
  void daemonStartsCmdOnceEveryFileExistsSignalsItOnEveryUpdateAndRefreshesJwtSvids() throws Exception {
    api.jwtLifetimeSeconds = 2;
    HelperConfig config = config(FILES + """
        renew_signal = "SIGHUP"
        hint = "db"
        cmd = "sh"
        cmd_args = "-c 'echo start >> %s; trap \\"echo hup >> %s\\" HUP; while :; do sleep 0.05; done'"
        health_checks {
          listener_enabled = true
          bind_port = 0
        }
        """.formatted(dir.resolve("starts"), dir.resolve("hups")));
    try (Helper helper = new Helper(config, client)) {
      helper.start();
      await().atMost(DEADLINE).until(() -> api.x509Streams.size() == 1 && api.bundleStreams.size() == 1);
      assertThat(status(helper, "/ready")).as("nothing written yet").isEqualTo(503);
      TestCertificate.Issued first = leaf("spiffe://example.org/db");
      api.x509Streams.getFirst().onNext(response(first));
      await().atMost(DEADLINE).until(() -> Files.exists(certs("svid.pem")));
      assertThat(lines("starts")).as("cmd waits for the JWT bundle file too").isZero();

      api.bundleStreams.getFirst().onNext(jwtBundles());
      await().atMost(DEADLINE).until(() -> lines("starts") == 1);
      assertThat(status(helper, "/ready")).isEqualTo(200);
      assertThat(status(helper, "/live")).isEqualTo(200);

      TestCertificate.Issued rotated = leaf("spiffe://example.org/db");
      long hupsBefore = lines("hups");
      api.x509Streams.getFirst().onNext(response(rotated));
      await().atMost(DEADLINE).until(() -> lines("hups") > hupsBefore
          && PemCodec.decodeCertificates(Files.readString(certs("svid.pem"))).contains(rotated.certificate()));

      int issued = api.jwtIssued.get();
      await("a 2s JWT-SVID is fetched again before it expires").atMost(DEADLINE)
          .until(() -> api.jwtIssued.get() >= issued + 2);
      await().atMost(DEADLINE).until(() -> claims(Files.readString(certs("db.token"))).get("n").asInt() > issued);
      assertThat(lines("starts")).as("signalled, never restarted").isEqualTo(1);
      assertThat(helper.processExits()).isZero();
    }
  }

  @Test
  void aBrokenStreamIsReopenedAndAnUnusableUpdateLeavesTheFilesAsTheyAre() throws Exception {
    try (Helper helper = new Helper(config("""
        hint = "db"
        svid_file_name = "svid.pem"
        svid_key_file_name = "svid_key.pem"
        svid_bundle_file_name = "svid_bundle.pem"
        """), client)) {
      helper.start();
      await().atMost(DEADLINE).until(() -> api.x509Streams.size() == 1);
      TestCertificate.Issued good = leaf("spiffe://example.org/db");
      api.x509Streams.getFirst().onNext(response(good));
      await().atMost(DEADLINE).until(helper::ready);
      String written = Files.readString(certs("svid.pem"));

      api.x509Streams.getFirst().onNext(X509SVIDResponse.newBuilder().addSvids(X509SVID.newBuilder()
          .setSpiffeId("spiffe://example.org/db").setX509Svid(ByteString.copyFromUtf8("not der"))).build());
      await().atMost(DEADLINE).until(() -> !helper.ready());
      assertThat(Files.readString(certs("svid.pem"))).isEqualTo(written);

      api.x509Streams.getFirst().onError(io.grpc.Status.UNAVAILABLE.asRuntimeException());
      await().atMost(DEADLINE).until(() -> api.x509Streams.size() == 2);
      TestCertificate.Issued next = leaf("spiffe://example.org/db");
      api.x509Streams.get(1).onNext(response(next));
      await().atMost(DEADLINE).until(helper::ready);
      assertThat(Files.readString(certs("svid.pem"))).contains(PemCodec.encodeCertificate(next.certificate()).strip());
    }
  }

  private static int status(Helper helper, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + helper.healthAddress().getPort() + path);
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
  }

  private static JsonNode claims(String token) throws IOException {
    return JsonMapper.builder().build().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
  }
}
