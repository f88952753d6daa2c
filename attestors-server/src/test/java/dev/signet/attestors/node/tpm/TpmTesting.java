package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.Challenger;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.TrustDomain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.UnaryOperator;
import tss.Tpm;
import tss.tpm.TPMT_PUBLIC;

/** Shared pieces of the tpm tests: both halves wired together over an in-memory "stream". */
final class TpmTesting {
  static final TrustDomain TD = TrustDomain.parse("example.org");

  private TpmTesting() {}

  static TpmNodeAttestor server(Map<String, Object> pluginData) {
    return TpmNodeAttestor.create(ConfigSection.of("plugin_data", pluginData), Clock.systemUTC());
  }

  /** A directory holding swtpm's local CA certificates (issuer and root), for {@code ca_path}. */
  static Path caDirectory(Swtpm swtpm, Path directory) {
    try {
      Files.createDirectories(directory);
      for (Path ca : swtpm.manufacturerCas()) {
        Files.copy(ca, directory.resolve(ca.getFileName()));
      }
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TpmAttestorClient client(Swtpm swtpm) {
    return client(swtpm, TpmTemplates.attestationKey());
  }

  static TpmAttestorClient client(Swtpm swtpm, TPMT_PUBLIC akTemplate) {
    return new TpmAttestorClient(TpmAddress.parse(swtpm.tpmPath()), akTemplate, AgentTpm.EkAlgorithm.RSA);
  }

  /**
   * A server half trusting the ECC P-256 EK of {@code swtpm} by its hash: swtpm certifies only its RSA EK and a
   * P-384 high-range EK, not the TCG's default P-256 one (template L-2) that real TPMs commonly certify.
   */
  static TpmNodeAttestor eccServer(Swtpm swtpm) {
    TpmProtocol.AttestationData data = TpmProtocol.decode(eccClient(swtpm).payload(), TpmProtocol.AttestationData.class,
        "payload");
    return server(Map.of("ek_hashes", java.util.List.of(TpmPublicArea.parse(data.ekPublic(), "EK").publicKeyHash())));
  }

  /** An agent half attesting with the TPM's ECC P-256 EK. */
  static TpmAttestorClient eccClient(Swtpm swtpm) {
    return new TpmAttestorClient(TpmAddress.parse(swtpm.tpmPath()), TpmTemplates.attestationKey(),
        AgentTpm.EkAlgorithm.ECC);
  }

  static AttestResult attest(TpmNodeAttestor server, TpmAttestorClient client) {
    return server.attest(TD, client.payload(), client::answer);
  }

  /** Attests with the challenge and the response rewritten on their way, as a man in the middle would. */
  static AttestResult attest(TpmNodeAttestor server, TpmAttestorClient client,
      UnaryOperator<TpmProtocol.Challenge> challengeTamper, UnaryOperator<TpmProtocol.Response> responseTamper) {
    Challenger challenger = challenge -> {
      TpmProtocol.Challenge decoded = TpmProtocol.decode(challenge, TpmProtocol.Challenge.class, "challenge");
      byte[] answer = client.answer(TpmProtocol.encode(challengeTamper.apply(decoded)));
      TpmProtocol.Response response = TpmProtocol.decode(answer, TpmProtocol.Response.class, "response");
      return TpmProtocol.encode(responseTamper.apply(response));
    };
    return server.attest(TD, client.payload(), challenger);
  }

  /** Runs {@code action} on a direct TSS.Java connection to the swtpm (to extend PCRs, for example). */
  static void withTpm(Swtpm swtpm, java.util.function.Consumer<Tpm> action) {
    Tpm tpm = TpmAddress.parse(swtpm.tpmPath()).open();
    try {
      action.accept(tpm);
    } finally {
      try {
        tpm.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
