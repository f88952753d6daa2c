package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AgentIds;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import tss.tpm.TPMA_OBJECT;

/**
 * The server half of {@code NodeAttestor "tpm"}: proves that the agent's attestation key lives in the same
 * TPM as an endorsement key we trust, without a TPM on the server.
 *
 * <ol>
 *   <li>The EK is trusted through its certificate (chaining to {@code ca_path}) or its hash (allow-list).
 *   <li>The AK must be a restricted signing key that cannot leave its TPM (fixedTPM, fixedParent,
 *       sensitiveDataOrigin): only such a key makes a quote worth believing.
 *   <li>A fresh 32-byte secret is sealed with MakeCredential to the EK for the AK's name; the agent's TPM
 *       releases it only if that very AK is loaded next to that EK. The answer is compared in constant time;
 *       every attestation has its own secret, so an answer to an earlier challenge is worthless.
 *   <li>With {@code pcrs} or {@code required_pcrs} configured, the same round asks for a quote with a fresh
 *       nonce; the PCR values are reported as selectors and required values enforced.
 * </ol>
 *
 * Agent ID {@code spiffe://<td>/spire/agent/tpm/<sha256 of the EK public key>}; agents re-attest.
 */
public final class TpmNodeAttestor implements NodeAttestor {
  public static final String NAME = TpmProtocol.NAME;
  private static final int SECRET_LENGTH = 32;

  private final EndorsementTrust trust;
  private final TpmPcrPolicy pcrPolicy;
  private final SecureRandom random = new SecureRandom();
  private final CredentialMaker credentials = new CredentialMaker(random);

  TpmNodeAttestor(EndorsementTrust trust, TpmPcrPolicy pcrPolicy) {
    this.trust = trust;
    this.pcrPolicy = pcrPolicy;
  }

  /**
   * The server half as its catalog knows it: {@link TpmServerConfig} parsed from {@code plugin_data}; the CA
   * certificates are read by {@code create}. Agents may re-attest (the TPM proves the node again).
   */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<TpmServerConfig, NodeAttestorDependencies, NodeAttestor>(NAME,
          (data, core) -> TpmServerConfig.parse(data), (config, deps) -> config.create(deps.clock()))
          .checkingHost(TpmServerConfig::endorsementCas);

  /** From {@code plugin_data}; see {@link TpmServerConfig}. */
  public static TpmNodeAttestor create(ConfigSection data, java.time.Clock clock) {
    return TpmServerConfig.parse(data).create(clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    TpmProtocol.AttestationData data = TpmProtocol.decode(payload, TpmProtocol.AttestationData.class,
        "attestation data");
    TpmPublicArea ek = TpmPublicArea.parse(data.ekPublic(), "EK public area");
    if (!ek.has(TPMA_OBJECT.restricted) || !ek.has(TPMA_OBJECT.decrypt) || ek.has(TPMA_OBJECT.sign)
        || !TpmPublicArea.isAesCfbStorage(ek.area())) {
      throw AttestationException.invalid(NAME + ": the EK must be an RSA or ECC (P-256, P-384) restricted decryption key"
          + " with AES-CFB");
    }
    Optional<X509Certificate> certificate = Optional.ofNullable(data.ekCertificate())
        .map(EndorsementTrust::parseCertificate);
    TpmPublicArea ak = TpmPublicArea.parse(data.akPublic(), "AK public area");
    checkAttestationKey(ak);
    Optional<X509Certificate> vouching = trust.verify(ek, certificate);

    byte[] secret = new byte[SECRET_LENGTH];
    random.nextBytes(secret);
    Optional<TpmProtocol.QuoteRequest> quoteRequest = pcrPolicy.request(random);
    TpmProtocol.Challenge challenge = new TpmProtocol.Challenge(credentials.make(ek, ak.name(), secret),
        quoteRequest.orElse(null));
    TpmProtocol.Response response = TpmProtocol.decode(challenger.challenge(TpmProtocol.encode(challenge)),
        TpmProtocol.Response.class, "challenge response");
    if (response.secret() == null || !MessageDigest.isEqual(response.secret(), secret)) {
      throw AttestationException.denied(NAME + ": the credential activation answer is wrong: the AK is not in the "
          + "TPM of this EK");
    }
    List<Selector> selectors = new ArrayList<>();
    String hash = ek.publicKeyHash();
    selectors.add(new Selector(NAME, "pub_hash:" + hash));
    vouching.ifPresent(cert -> {
      addName(selectors, "ek_cert_subject:", cert.getSubjectX500Principal());
      addName(selectors, "ek_cert_issuer:", cert.getIssuerX500Principal());
    });
    if (quoteRequest.isPresent()) {
      TpmProtocol.QuoteRequest request = quoteRequest.get();
      QuoteVerifier.verify(ak, request.nonce(), request.pcrs(), response.quote());
      selectors.addAll(pcrPolicy.check(request.pcrs(), response.quote().pcrValues()));
    } else if (response.quote() != null) {
      throw AttestationException.invalid(NAME + ": a quote was sent but none was asked for");
    }
    return new AttestResult(AgentIds.agentId(trustDomain, NAME, hash), selectors, true);
  }

  /** A quote is only as good as its key: restricted, signing only, generated in and bound to its TPM. */
  private static void checkAttestationKey(TpmPublicArea ak) {
    for (TPMA_OBJECT required : List.of(TPMA_OBJECT.restricted, TPMA_OBJECT.sign, TPMA_OBJECT.fixedTPM,
        TPMA_OBJECT.fixedParent, TPMA_OBJECT.sensitiveDataOrigin)) {
      if (!ak.has(required)) {
        throw AttestationException.denied(NAME + ": the AK lacks the " + required + " attribute");
      }
    }
    if (ak.has(TPMA_OBJECT.decrypt)) {
      throw AttestationException.denied(NAME + ": the AK must not be a decryption key");
    }
  }

  private static void addName(List<Selector> selectors, String prefix, X500Principal name) {
    String value = name.getName(X500Principal.RFC2253);
    if (!value.isEmpty()) {
      selectors.add(new Selector(NAME, prefix + value));
    }
  }
}
