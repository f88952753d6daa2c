package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AgentNodeAttestorDependencies;
import dev.signet.attestors.node.AgentHalves;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.plugin.PluginDescriptor;
import java.util.Optional;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.util.List;
import java.util.function.Supplier;
import tss.tpm.CreatePrimaryResponse;
import tss.tpm.CreateResponse;
import tss.tpm.TPMT_PUBLIC;
import tss.tpm.TPM_HANDLE;

/**
 * The agent half of {@code NodeAttestor "tpm"}. {@link #payload()} creates the EK (default TCG template),
 * reads its certificate if the TPM has one, and creates a fresh attestation key under an SRK; it sends the
 * public parts. {@link #answer} loads the AK again, recovers the server's credential with
 * TPM2_ActivateCredential (which the TPM only does for the AK it was made for, next to the EK it was sealed
 * to) and quotes the PCRs the server asks for with the server's nonce. Nothing stays loaded in the TPM
 * between the two steps, so an attestation the server abandons leaks nothing.
 */
public final class TpmAttestorClient implements NodeAttestorClient {
  /** The agent half as its catalog knows it; the agent may re-attest. */
  public static final PluginDescriptor<?, AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> DESCRIPTOR =
      AgentHalves.builtIn(TpmProtocol.NAME, (data, core) -> parse(data), false);
  private final TpmAddress address;
  private final TPMT_PUBLIC akTemplate;
  private final AgentTpm.EkAlgorithm ekAlgorithm;
  private CreateResponse attestationKey;

  TpmAttestorClient(TpmAddress address, TPMT_PUBLIC akTemplate, AgentTpm.EkAlgorithm ekAlgorithm) {
    this.address = address;
    this.akTemplate = akTemplate;
    this.ekAlgorithm = ekAlgorithm;
  }

  /**
   * From {@code plugin_data}: {@code tpm_path} (default {@code /dev/tpmrm0}, or {@code swtpm:host=…,port=…})
   * and {@code ek_algorithm} ({@code rsa}, the default, or {@code ecc}: which of the TCG's default EKs to use).
   */
  public static TpmAttestorClient create(ConfigSection data) {
    return parse(data).get();
  }

  /** Checks {@code plugin_data} ({@code tpm_path}, {@code ek_algorithm}); the supplier makes the client. */
  public static Supplier<TpmAttestorClient> parse(ConfigSection data) {
    String path = data.getString("tpm_path", TpmAddress.DEFAULT);
    String algorithm = data.getString("ek_algorithm", "rsa");
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    AgentTpm.EkAlgorithm ek = switch (algorithm) {
      case "rsa" -> AgentTpm.EkAlgorithm.RSA;
      case "ecc" -> AgentTpm.EkAlgorithm.ECC;
      default -> throw new ConfigException("ek_algorithm \"" + algorithm
          + "\" must be rsa or ecc");
    };
    TpmAddress address = TpmAddress.parse(path);
    return () -> new TpmAttestorClient(address, TpmTemplates.attestationKey(), ek);
  }

  @Override
  public String name() {
    return TpmProtocol.NAME;
  }

  @Override
  public synchronized byte[] payload() {
    try (AgentTpm tpm = AgentTpm.open(address)) {
      CreatePrimaryResponse ek = tpm.createEndorsementKey(ekAlgorithm);
      byte[] certificate = tpm.endorsementCertificate(ekAlgorithm).orElse(null);
      attestationKey = tpm.createUnderSrk(akTemplate);
      return TpmProtocol.encode(new TpmProtocol.AttestationData(ek.outPublic.toBytes(), certificate,
          attestationKey.outPublic.toBytes()));
    }
  }

  @Override
  public synchronized byte[] answer(byte[] challengeBytes) {
    TpmProtocol.Challenge challenge = TpmProtocol.decode(challengeBytes, TpmProtocol.Challenge.class, "challenge");
    TpmProtocol.Credential credential = challenge.credential();
    if (credential == null || credential.integrityHmac() == null || credential.encIdentity() == null
        || credential.encryptedSecret() == null) {
      throw AttestationException.invalid("tpm: the challenge carries no credential");
    }
    if (attestationKey == null) {
      throw AttestationException.invalid("tpm: challenge before the attestation data was sent");
    }
    try (AgentTpm tpm = AgentTpm.open(address)) {
      TPM_HANDLE ak = tpm.load(attestationKey.outPrivate, attestationKey.outPublic);
      CreatePrimaryResponse ek = tpm.createEndorsementKey(ekAlgorithm);
      byte[] secret = tpm.activateCredential(ak, ek.handle, credential.integrityHmac(), credential.encIdentity(),
          credential.encryptedSecret());
      TpmProtocol.Quote quote = null;
      if (challenge.quote() != null) {
        quote = tpm.quote(ak, checkedNonce(challenge.quote().nonce()), checkedPcrs(challenge.quote().pcrs()));
      }
      return TpmProtocol.encode(new TpmProtocol.Response(secret, quote));
    }
  }

  private static byte[] checkedNonce(byte[] nonce) {
    if (nonce == null || nonce.length == 0 || nonce.length > 64) {
      throw AttestationException.invalid("tpm: the quote nonce must be 1 to 64 bytes");
    }
    return nonce;
  }

  private static List<Integer> checkedPcrs(List<Integer> pcrs) {
    if (pcrs == null || pcrs.isEmpty()) {
      throw AttestationException.invalid("tpm: the quote request names no PCR");
    }
    for (Integer pcr : pcrs) {
      if (pcr == null || pcr < 0 || pcr > TpmProtocol.MAX_PCR) {
        throw AttestationException.invalid("tpm: PCR " + pcr + " is not in 0.." + TpmProtocol.MAX_PCR);
      }
    }
    return pcrs;
  }
}
