package dev.signet.attestors.node.tpm;

import static dev.signet.attestors.node.tpm.TpmTesting.attest;
import static dev.signet.attestors.node.tpm.TpmTesting.caDirectory;
import static dev.signet.attestors.node.tpm.TpmTesting.client;
import static dev.signet.attestors.node.tpm.TpmTesting.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.node.AttestResult;
import dev.signet.common.spiffe.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tss.tpm.TPM_HANDLE;

/** Both halves of {@code tpm} against a real swtpm whose EK certificate is signed by swtpm's local CA. */
class TpmNodeAttestorTest {
  @TempDir
  static Path directory;
  private static Swtpm swtpm;
  private static Path cas;

  @BeforeAll
  static void startTpm() throws Exception {
    swtpm = Swtpm.start(directory.resolve("tpm"));
    cas = caDirectory(swtpm, directory.resolve("cas"));
  }

  @AfterAll
  static void stopTpm() {
    if (swtpm != null) {
      swtpm.close();
    }
  }

  @Test
  void anAgentWithACertifiedEkAttests() throws Exception {
    TpmAttestorClient client = client(swtpm);
    byte[] payload = client.payload();
    TpmProtocol.AttestationData data = TpmProtocol.decode(payload, TpmProtocol.AttestationData.class, "payload");
    assertThat(data.ekCertificate()).as("the EK certificate from NV 0x01c00002").isNotNull();
    X509Certificate ekCert = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new java.io.ByteArrayInputStream(data.ekCertificate()));
    String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(ekCert.getPublicKey().getEncoded()));

    AttestResult result = server(Map.of("ca_path", cas.toString())).attest(TpmTesting.TD, payload, client::answer);

    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/tpm/" + expectedHash);
    assertThat(result.canReattest()).isTrue();
    assertThat(result.selectors()).containsExactly(new Selector("tpm", "pub_hash:" + expectedHash),
        new Selector("tpm", "ek_cert_subject:" + ekCert.getSubjectX500Principal().getName()),
        new Selector("tpm", "ek_cert_issuer:CN=swtpm-localca"));
  }

  /**
   * The ECC P-256 EK (TCG template L-2): MakeCredential by one-pass ECDH and KDFe, ActivateCredential by the
   * real TPM. swtpm stores no certificate for this EK, so it is trusted by its hash here.
   */
  @Test
  void anAgentWithAnEccEkOnTheHashListAttests() throws Exception {
    TpmAttestorClient client = TpmTesting.eccClient(swtpm);
    byte[] payload = client.payload();
    TpmProtocol.AttestationData data = TpmProtocol.decode(payload, TpmProtocol.AttestationData.class, "payload");
    TpmPublicArea ek = TpmPublicArea.parse(data.ekPublic(), "EK");
    assertThat(ek.key().getAlgorithm()).isEqualTo("EC");
    assertThat(data.ekCertificate()).as("swtpm has no certificate in NV 0x01c0000a").isNull();

    AttestResult result = TpmTesting.eccServer(swtpm).attest(TpmTesting.TD, payload, client::answer);

    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/tpm/" + ek.publicKeyHash());
    assertThat(result.selectors()).containsExactly(new Selector("tpm", "pub_hash:" + ek.publicKeyHash()));
    String rsaId = attest(server(Map.of("ca_path", cas.toString())), client(swtpm)).agentId().toString();
    assertThat(rsaId).as("the same TPM's RSA EK is another identity").isNotEqualTo(result.agentId().toString());
  }

  @Test
  void theSameTpmAlwaysGetsTheSameIdWithAFreshAkEachTime() {
    TpmNodeAttestor server = server(Map.of("ca_path", cas.toString()));
    TpmAttestorClient client = client(swtpm);
    byte[] first = client.payload();
    AttestResult one = server.attest(TpmTesting.TD, first, client::answer);
    byte[] second = client.payload();
    AttestResult two = server.attest(TpmTesting.TD, second, client::answer);

    assertThat(two.agentId()).isEqualTo(one.agentId());
    assertThat(TpmProtocol.decode(second, TpmProtocol.AttestationData.class, "p").akPublic())
        .isNotEqualTo(TpmProtocol.decode(first, TpmProtocol.AttestationData.class, "p").akPublic());
  }

  @Test
  void anEkOnTheHashAllowListAttestsWithoutACa() throws Exception {
    String hash = attest(server(Map.of("ca_path", cas.toString())), client(swtpm)).agentId().path()
        .substring("/spire/agent/tpm/".length());
    Path hashes = Files.createDirectories(directory.resolve("hashes"));
    Files.writeString(hashes.resolve(hash), "");

    AttestResult byFile = attest(server(Map.of("hash_path", hashes.toString())), client(swtpm));
    AttestResult byList = attest(server(Map.of("ek_hashes", List.of(hash.toUpperCase()))), client(swtpm));

    assertThat(byFile.selectors()).containsExactly(new Selector("tpm", "pub_hash:" + hash));
    assertThat(byList.agentId()).isEqualTo(byFile.agentId());
  }

  @Test
  void quotedPcrsBecomeSelectorsAndRequiredValuesAreEnforced() throws Exception {
    byte[] event = "signet boot measurement".getBytes(StandardCharsets.UTF_8);
    TpmTesting.withTpm(swtpm, tpm -> tpm.PCR_Event(TPM_HANDLE.pcr(16), event));
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] measurement = sha256.digest(event);
    sha256.update(new byte[32]);
    sha256.update(measurement);
    String pcr16 = HexFormat.of().formatHex(sha256.digest());
    try {
      AttestResult result = attest(server(Map.of("ca_path", cas.toString(), "pcrs", List.of("0", "16"),
          "required_pcrs", Map.of("16", pcr16))), client(swtpm));

      assertThat(result.selectors()).contains(new Selector("tpm", "pcr:0:" + "00".repeat(32)),
          new Selector("tpm", "pcr:16:" + pcr16));
    } finally {
      TpmTesting.withTpm(swtpm, tpm -> tpm.PCR_Reset(TPM_HANDLE.pcr(16)));
    }
  }
}
