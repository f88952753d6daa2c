package dev.signet.attestors.node.tpm;

import static dev.signet.attestors.node.tpm.TpmTesting.attest;
import static dev.signet.attestors.node.tpm.TpmTesting.caDirectory;
import static dev.signet.attestors.node.tpm.TpmTesting.client;
import static dev.signet.attestors.node.tpm.TpmTesting.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationException.Kind;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.testing.TestCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tss.tpm.TPMA_OBJECT;
import tss.tpm.TPMT_PUBLIC;

/** Attempts to get an agent identity from the {@code tpm} attestor without the TPM the evidence claims. */
class TpmAttestationAttackTest {
  @TempDir
  static Path directory;
  private static Swtpm swtpm;
  private static TpmNodeAttestor server;

  @BeforeAll
  static void startTpm() throws Exception {
    swtpm = Swtpm.start(directory.resolve("tpm"));
    server = server(Map.of("ca_path", caDirectory(swtpm, directory.resolve("cas")).toString()));
  }

  @AfterAll
  static void stopTpm() {
    if (swtpm != null) {
      swtpm.close();
    }
  }

  @Test
  void aForgedActivationAnswerIsRefused() {
    assertDenied(() -> attest(server, client(swtpm), UnaryOperator.identity(),
        response -> new TpmProtocol.Response(new byte[32], response.quote())), "credential activation answer is wrong");
  }

  @Test
  void aForgedActivationAnswerIsRefusedWithAnEccEk() {
    assertDenied(() -> attest(TpmTesting.eccServer(swtpm), TpmTesting.eccClient(swtpm), UnaryOperator.identity(),
        response -> new TpmProtocol.Response(new byte[32], response.quote())), "credential activation answer is wrong");
  }

  /** Another ephemeral point gives the TPM another seed: the integrity HMAC fails and nothing is released. */
  @Test
  void aReplacedEphemeralPointCannotBeActivated() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
    generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
    java.security.spec.ECPoint point = ((java.security.interfaces.ECPublicKey) generator.generateKeyPair().getPublic())
        .getW();
    byte[] x = java.util.Arrays.copyOfRange(point.getAffineX().toByteArray(), point.getAffineX().toByteArray().length - 32,
        point.getAffineX().toByteArray().length);
    byte[] y = java.util.Arrays.copyOfRange(point.getAffineY().toByteArray(), point.getAffineY().toByteArray().length - 32,
        point.getAffineY().toByteArray().length);
    byte[] other = java.nio.ByteBuffer.allocate(68).putShort((short) 32).put(x).putShort((short) 32).put(y).array();
    assertThatThrownBy(() -> attest(TpmTesting.eccServer(swtpm), TpmTesting.eccClient(swtpm), challenge -> new TpmProtocol.Challenge(
        new TpmProtocol.Credential(challenge.credential().integrityHmac(), challenge.credential().encIdentity(), other),
        challenge.quote()), UnaryOperator.identity()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("activate the credential");
  }

  @Test
  void anAnswerToAnEarlierChallengeIsRefused() {
    TpmAttestorClient client = client(swtpm);
    List<byte[]> answers = new ArrayList<>();
    server.attest(TpmTesting.TD, client.payload(), challenge -> {
      byte[] answer = client.answer(challenge);
      answers.add(answer);
      return answer;
    });

    assertDenied(() -> server.attest(TpmTesting.TD, client.payload(), challenge -> answers.getFirst()),
        "credential activation answer is wrong");
  }

  @Test
  void anEkThatChainsToNoConfiguredCaAndIsNotListedIsRefused() throws Exception {
    Path otherCa = directory.resolve("other-ca.pem");
    Files.writeString(otherCa, PemCodec.encodeCertificate(TestCertificate.ca("vendor.test")
        .subject("O=Other Vendor,CN=Other EK CA").issue().certificate()));
    TpmNodeAttestor strict = server(Map.of("ca_path", otherCa.toString(), "ek_hashes", List.of("ab".repeat(32))));

    assertDenied(() -> attest(strict, client(swtpm)), "does not chain to a configured ca");
    assertDenied(() -> attest(server(Map.of("ek_hashes", List.of("ab".repeat(32)))), client(swtpm)),
        "is not allowed");
  }

  @Test
  void anAkThatIsNotRestrictedIsRefusedBeforeAnyChallenge() {
    TPMT_PUBLIC unrestricted = TpmTemplates.attestationKey();
    unrestricted.objectAttributes = new TPMA_OBJECT(TPMA_OBJECT.fixedTPM, TPMA_OBJECT.fixedParent,
        TPMA_OBJECT.sensitiveDataOrigin, TPMA_OBJECT.userWithAuth, TPMA_OBJECT.sign);
    TpmAttestorClient client = client(swtpm, unrestricted);
    AtomicInteger challenges = new AtomicInteger();

    assertDenied(() -> server.attest(TpmTesting.TD, client.payload(), challenge -> {
      challenges.incrementAndGet();
      return client.answer(challenge);
    }), "restricted");
    assertThat(challenges).hasValue(0);
  }

  @Test
  void anAkNameSwappedForAnotherKeyCannotBeActivated() {
    // The agent claims a second, unrelated AK: the credential is made for that name, which the TPM has not loaded.
    TpmAttestorClient real = client(swtpm);
    TpmAttestorClient other = client(swtpm);
    TpmProtocol.AttestationData claimed = TpmProtocol.decode(other.payload(), TpmProtocol.AttestationData.class, "p");
    TpmProtocol.AttestationData actual = TpmProtocol.decode(real.payload(), TpmProtocol.AttestationData.class, "p");
    byte[] lying = TpmProtocol.encode(new TpmProtocol.AttestationData(actual.ekPublic(), actual.ekCertificate(),
        claimed.akPublic()));

    assertThatThrownBy(() -> server.attest(TpmTesting.TD, lying, real::answer))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("activate the credential");
  }

  @Test
  void aWrongPcrValueIsRefused() {
    TpmNodeAttestor pinned = server(Map.of("ca_path", caDirectory(swtpm, directory.resolve("cas2")).toString(),
        "required_pcrs", Map.of("16", "ff".repeat(32))));

    assertDenied(() -> attest(pinned, client(swtpm)), "pcr 16 is " + "00".repeat(32));
  }

  @Test
  void aQuoteOverAnotherNonceIsRefused() {
    TpmNodeAttestor quoting = server(Map.of("ca_path", caDirectory(swtpm, directory.resolve("cas3")).toString(),
        "pcrs", List.of("0", "7")));

    assertDenied(() -> attest(quoting, client(swtpm), challenge -> new TpmProtocol.Challenge(challenge.credential(),
        new TpmProtocol.QuoteRequest("an old nonce".getBytes(StandardCharsets.UTF_8), challenge.quote().pcrs())),
        UnaryOperator.identity()), "not over this challenge's nonce");
  }

  @Test
  void pcrValuesThatDoNotMatchTheQuoteAreRefused() {
    TpmNodeAttestor quoting = server(Map.of("ca_path", caDirectory(swtpm, directory.resolve("cas4")).toString(),
        "pcrs", List.of("0", "7")));

    assertDenied(() -> attest(quoting, client(swtpm), UnaryOperator.identity(),
        response -> new TpmProtocol.Response(response.secret(), new TpmProtocol.Quote(response.quote().attest(),
            response.quote().signature(), List.of(new byte[32], filled(0x11))))), "do not match the quoted digest");
    assertDenied(() -> attest(quoting, client(swtpm), challenge -> new TpmProtocol.Challenge(challenge.credential(),
        new TpmProtocol.QuoteRequest(challenge.quote().nonce(), List.of(0))), UnaryOperator.identity()),
        "does not cover the requested pcrs");
  }

  @Test
  void aQuoteSignatureFromAnotherKeyIsRefused() {
    TpmNodeAttestor quoting = server(Map.of("ca_path", caDirectory(swtpm, directory.resolve("cas5")).toString(),
        "pcrs", List.of("0")));
    byte[] flipped = new byte[1];
    assertDenied(() -> attest(quoting, client(swtpm), UnaryOperator.identity(), response -> {
      byte[] attest = response.quote().attest().clone();
      attest[attest.length - 1] ^= 1;
      flipped[0] = 1;
      return new TpmProtocol.Response(response.secret(), new TpmProtocol.Quote(attest, response.quote().signature(),
          response.quote().pcrValues()));
    }), "quote signature does not verify");
    assertThat(flipped[0]).isEqualTo((byte) 1);
  }

  @Test
  void malformedEvidenceIsInvalidArgument() {
    assertInvalid(() -> server.attest(TpmTesting.TD, "not json".getBytes(StandardCharsets.UTF_8), c -> c));
    assertInvalid(() -> server.attest(TpmTesting.TD,
        TpmProtocol.encode(new TpmProtocol.AttestationData(new byte[] {0, 1, 0, 11}, null, new byte[] {1})), c -> c));
    TpmProtocol.AttestationData real = TpmProtocol.decode(client(swtpm).payload(), TpmProtocol.AttestationData.class,
        "p");
    byte[] trailing = java.util.Arrays.copyOf(real.akPublic(), real.akPublic().length + 1);
    assertInvalid(() -> server.attest(TpmTesting.TD,
        TpmProtocol.encode(new TpmProtocol.AttestationData(real.ekPublic(), real.ekCertificate(), trailing)), c -> c));
    assertInvalid(() -> server.attest(TpmTesting.TD,
        TpmProtocol.encode(new TpmProtocol.AttestationData(real.ekPublic(), new byte[] {0x30, 3, 1, 2, 3},
            real.akPublic())), c -> c));
    // an ECC EK whose point is off its curve, even one the server would trust by hash
    TpmProtocol.AttestationData ecc = TpmProtocol.decode(TpmTesting.eccClient(swtpm).payload(),
        TpmProtocol.AttestationData.class, "p");
    tss.tpm.TPMT_PUBLIC offCurve = tss.tpm.TPMT_PUBLIC.fromBytes(ecc.ekPublic());
    ((tss.tpm.TPMS_ECC_POINT) offCurve.unique).y[31] ^= 1;
    assertInvalid(() -> TpmTesting.eccServer(swtpm).attest(TpmTesting.TD,
        TpmProtocol.encode(new TpmProtocol.AttestationData(offCurve.toBytes(), null, ecc.akPublic())), c -> c));
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) value);
    return bytes;
  }

  private static void assertDenied(ThrowingCallable attempt, String message) {
    assertThatThrownBy(attempt).isInstanceOfSatisfying(AttestationException.class, e -> {
      assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
      assertThat(e.getMessage().toLowerCase()).startsWith("tpm: ").contains(message.toLowerCase());
    });
  }

  private static void assertInvalid(ThrowingCallable attempt) {
    assertThatThrownBy(attempt).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
  }
}
