package dev.signet.attestors.node.x509pop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.testing.TestCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both halves of x509pop in process: real certificates, real signatures, and every way to break them. */
class X509PopNodeAttestorTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final Instant NOW = Instant.now();

  @TempDir Path temp;
  private TestCertificate.Issued root;
  private TestCertificate.Issued intermediate;

  @BeforeEach
  void setUp() throws Exception {
    root = TestCertificate.ca("pki.test").subject("O=Test PKI,CN=Root").validity(NOW.minusSeconds(60),
        NOW.plusSeconds(86400)).issue();
    intermediate = TestCertificate.ca("pki.test").subject("O=Test PKI,CN=Issuing").issuer(root)
        .validity(NOW.minusSeconds(60), NOW.plusSeconds(86400)).issue();
    Files.writeString(temp.resolve("roots.pem"), PemCodec.encodeCertificate(root.certificate()));
  }

  private TestCertificate node(String cn) {
    return TestCertificate.leaf("x509pop://example.org/datacenter:us-east-1", intermediate)
        .subject("O=Nodes,CN=" + cn).keyUsage(KeyUsage.digitalSignature).validity(NOW.minusSeconds(60),
            NOW.plusSeconds(3600));
  }

  private X509PopAttestorClient client(TestCertificate.Issued leaf, boolean withIntermediate) throws Exception {
    Path dir = Files.createTempDirectory(temp, "node");
    Path cert = dir.resolve("node.pem");
    Path key = dir.resolve("node.key");
    Path chain = temp.resolve("intermediates.pem");
    Files.writeString(cert, PemCodec.encodeCertificate(leaf.certificate()));
    Files.writeString(key, PemCodec.encodePrivateKey(leaf.keyPair().getPrivate()));
    Files.writeString(chain, PemCodec.encodeCertificate(intermediate.certificate()));
    return new X509PopAttestorClient(cert, key, withIntermediate ? chain : null);
  }

  private X509PopNodeAttestor server(Map<String, Object> extra) {
    Map<String, Object> data = new java.util.HashMap<>(Map.of("ca_bundle_path", temp.resolve("roots.pem").toString()));
    data.putAll(extra);
    return X509PopNodeAttestor.create(ConfigSection.of("plugin_data", data), BundleSource.of(), Clock.systemUTC());
  }

  private static AttestResult attest(X509PopNodeAttestor server, X509PopAttestorClient client) {
    return server.attest(TD, client.payload(), client::answer);
  }

  private static String sha1(byte[] der) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
  }

  @Test
  void anEcNodeProvesItsKeyAndGetsSpiresIdAndSelectors() throws Exception {
    TestCertificate.Issued leaf = node("node-1.example.org").issue();
    AttestResult result = attest(server(Map.of()), client(leaf, true));

    assertThat(result.agentId().toString())
        .isEqualTo("spiffe://example.org/spire/agent/x509pop/" + sha1(leaf.certificate().getEncoded()));
    assertThat(result.selectors()).extracting(Selector::toString).containsExactlyInAnyOrder(
        "x509pop:subject:cn:node-1.example.org",
        "x509pop:ca:fingerprint:" + sha1(intermediate.certificate().getEncoded()),
        "x509pop:ca:fingerprint:" + sha1(root.certificate().getEncoded()),
        "x509pop:serialnumber:" + leaf.certificate().getSerialNumber().toString(16),
        "x509pop:san:datacenter:us-east-1");
    assertThat(result.canReattest()).isTrue();
  }

  @Test
  void anRsaNodeProvesItsKeyWithPss() throws Exception {
    TestCertificate.Issued leaf = node("rsa-node").keyType(KeyType.RSA_2048).issue();
    assertThat(attest(server(Map.of()), client(leaf, true)).selectors())
        .contains(new Selector("x509pop", "subject:cn:rsa-node"));
  }

  @Test
  void theAgentPathTemplateShapesTheId() throws Exception {
    TestCertificate.Issued leaf = node("edge-7").issue();
    assertThat(attest(server(Map.of("agent_path_template", "/cn/{{ .Subject.CommonName }}")), client(leaf, true))
        .agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/cn/edge-7");
    assertThatThrownBy(() -> server(Map.of("agent_path_template", "/{{ .Issuer.CommonName }}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("Issuer.CommonName");
    assertThatThrownBy(() -> server(Map.of("agent_path_template", "/{{ if .X }}a{{ end }}")))
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void untrustedExpiredOrChainlessCertificatesAreDenied() throws Exception {
    TestCertificate.Issued otherRoot = TestCertificate.ca("evil.test").validity(NOW.minusSeconds(60),
        NOW.plusSeconds(86400)).issue();
    TestCertificate.Issued foreign = TestCertificate.leaf("spiffe://evil.test/n", otherRoot)
        .keyUsage(KeyUsage.digitalSignature).validity(NOW.minusSeconds(60), NOW.plusSeconds(3600)).issue();
    TestCertificate.Issued expired = node("old").validity(NOW.minusSeconds(7200), NOW.minusSeconds(3600)).issue();
    TestCertificate.Issued fine = node("fine").issue();
    for (var attempt : List.of(client(foreign, false), client(expired, true), client(fine, false))) {
      assertThatThrownBy(() -> attest(server(Map.of()), attempt)).isInstanceOf(AttestationException.class)
          .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED))
          .hasMessageContaining("does not verify");
    }
  }

  @Test
  void keysThatCannotSignOrAreTooWeakAreDenied() throws Exception {
    TestCertificate.Issued noSigning = node("enc-only").keyUsage(KeyUsage.keyEncipherment).issue();
    assertThatThrownBy(() -> attest(server(Map.of()), client(noSigning, true))).hasMessageContaining("digital signatures");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    TestCertificate.Issued weak = node("weak").keyPair(rsa.generateKeyPair()).issue();
    assertThatThrownBy(() -> attest(server(Map.of()), client(weak, true))).hasMessageContaining("1024 bits");
  }

  @Test
  void aSignatureByAnotherKeyOrAReplayedResponseIsDenied() throws Exception {
    TestCertificate.Issued leaf = node("victim").issue();
    X509PopAttestorClient honest = client(leaf, true);
    X509PopNodeAttestor server = server(Map.of());
    AtomicReference<byte[]> recorded = new AtomicReference<>();
    server.attest(TD, honest.payload(), challenge -> {
      byte[] response = honest.answer(challenge);
      recorded.set(response);
      return response;
    });
    assertThatThrownBy(() -> server.attest(TD, honest.payload(), challenge -> recorded.get()))
        .isInstanceOf(AttestationException.class).hasMessageContaining("does not verify");

    TestCertificate.Issued other = node("attacker").issue();
    Files.writeString(temp.resolve("stolen-cert.pem"), PemCodec.encodeCertificate(leaf.certificate()));
    Files.writeString(temp.resolve("own.key"), PemCodec.encodePrivateKey(other.keyPair().getPrivate()));
    X509PopAttestorClient impostor = new X509PopAttestorClient(temp.resolve("stolen-cert.pem"),
        temp.resolve("own.key"), temp.resolve("intermediates.pem"));
    assertThatThrownBy(() -> attest(server, impostor)).isInstanceOf(AttestationException.class)
        .hasMessageContaining("does not verify");
  }

  @Test
  void malformedPayloadsAndResponsesAreInvalidArguments() throws Exception {
    X509PopNodeAttestor server = server(Map.of());
    for (String payload : List.of("not json", "{\"certificates\":[]}", "{\"certificates\":[\"AAAA\"]}",
        "{\"certificates\":[],\"extra\":1}")) {
      assertThatThrownBy(() -> server.attest(TD, payload.getBytes(StandardCharsets.UTF_8), c -> new byte[0]))
          .as(payload).isInstanceOf(AttestationException.class)
          .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT));
    }
    X509PopAttestorClient client = client(node("n").issue(), true);
    assertThatThrownBy(() -> server.attest(TD, client.payload(),
        c -> "{\"ecdsa_signature\":{\"nonce\":\"AAEC\",\"r\":\"AQ==\",\"s\":\"AQ==\"}}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(AttestationException.class).hasMessageContaining("response nonce");
  }

  @Test
  void spiffeModeExchangesAnSvidOfThisTrustDomainUnderTheSvidPrefix() throws Exception {
    TestCertificate.Issued ownCa = TestCertificate.ca("example.org").validity(NOW.minusSeconds(60),
        NOW.plusSeconds(86400)).issue();
    X509PopNodeAttestor server = X509PopNodeAttestor.create(ConfigSection.of("plugin_data", Map.of("mode", "spiffe")),
        BundleSource.of(Bundle.ofX509(TD, List.of(ownCa.certificate()))), Clock.systemUTC());
    TestCertificate.Issued svid = TestCertificate.leaf("spiffe://example.org/spire-exchange/edge-1", ownCa)
        .validity(NOW.minusSeconds(60), NOW.plusSeconds(3600)).issue();
    assertThat(attest(server, client(svid, false)).agentId().toString())
        .isEqualTo("spiffe://example.org/spire/agent/x509pop/edge-1");

    TestCertificate.Issued outside = TestCertificate.leaf("spiffe://example.org/workload/edge-1", ownCa)
        .validity(NOW.minusSeconds(60), NOW.plusSeconds(3600)).issue();
    assertThatThrownBy(() -> attest(server, client(outside, false))).hasMessageContaining("svid_prefix");
    TestCertificate.Issued foreignCa = TestCertificate.ca("other.org").validity(NOW.minusSeconds(60),
        NOW.plusSeconds(86400)).issue();
    TestCertificate.Issued foreign = TestCertificate.leaf("spiffe://other.org/spire-exchange/edge-1", foreignCa)
        .validity(NOW.minusSeconds(60), NOW.plusSeconds(3600)).issue();
    assertThatThrownBy(() -> attest(server, client(foreign, false))).isInstanceOf(AttestationException.class)
        .satisfies(e -> assertThat(((AttestationException) e).kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED));
  }

  @Test
  void configNeedsABundleAndKnowsOnlyExternalPki() {
    assertThatThrownBy(() -> X509PopNodeAttestor.create(ConfigSection.of("plugin_data", Map.of()), BundleSource.of(),
        Clock.systemUTC())).isInstanceOf(ConfigException.class).hasMessageContaining("ca_bundle_path");
    assertThatThrownBy(() -> server(Map.of("mode", "acme"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("acme");
    assertThatThrownBy(() -> server(Map.of("mode", "spiffe", "svid_prefix", "no-slash")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no-slash");
    assertThatThrownBy(() -> server(Map.of("typo", "x"))).isInstanceOf(ConfigException.class).hasMessageContaining("typo");
  }
}
