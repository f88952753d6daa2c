package dev.signet.attestors.node.tpm;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signet.attestors.node.AttestationMessages;
import java.util.List;

/**
 * The {@code tpm} wire format between the agent and server halves (JSON; byte fields base64). TPM structures
 * travel in their TPM 2.0 marshalled form:
 *
 * <ul>
 *   <li>attestation data: the EK's {@code TPMT_PUBLIC}, its certificate (DER, absent when the TPM has none in
 *       NV index 0x01c00002) and the AK's {@code TPMT_PUBLIC};
 *   <li>challenge: a credential made for the AK's name and sealed to the EK (TPM2_MakeCredential's output:
 *       the {@code TPMS_ID_OBJECT} halves and the encrypted seed), plus a quote request (server nonce and
 *       sha256 PCR indices) when the server wants PCRs;
 *   <li>response: the credential TPM2_ActivateCredential recovered, and the quote ({@code TPMS_ATTEST},
 *       {@code TPMT_SIGNATURE}) with the PCR values it covers, in the requested order.
 * </ul>
 */
final class TpmProtocol {
  static final String NAME = "tpm";
  static final int NONCE_LENGTH = 32;
  /** sha256 PCRs 0..23 are the ones every PC-client TPM implements. */
  static final int MAX_PCR = 23;
  private TpmProtocol() {}

  record AttestationData(@JsonProperty("ek_pub") byte[] ekPublic, @JsonProperty("ek_cert") byte[] ekCertificate,
      @JsonProperty("ak_pub") byte[] akPublic) {}

  record Credential(@JsonProperty("integrity_hmac") byte[] integrityHmac,
      @JsonProperty("enc_identity") byte[] encIdentity, @JsonProperty("encrypted_secret") byte[] encryptedSecret) {}

  record QuoteRequest(@JsonProperty("nonce") byte[] nonce, @JsonProperty("pcrs") List<Integer> pcrs) {}

  record Challenge(@JsonProperty("credential") Credential credential, @JsonProperty("quote") QuoteRequest quote) {}

  record Quote(@JsonProperty("attest") byte[] attest, @JsonProperty("signature") byte[] signature,
      @JsonProperty("pcr_values") List<byte[]> pcrValues) {}

  record Response(@JsonProperty("secret") byte[] secret, @JsonProperty("quote") Quote quote) {}

  static byte[] encode(Object message) {
    return AttestationMessages.encode(NAME, message);
  }

  /** Decodes one message; anything malformed is INVALID_ARGUMENT (the offending JSON is never echoed whole). */
  static <T> T decode(byte[] json, Class<T> type, String what) {
    return AttestationMessages.decode(NAME, json, type, what);
  }
}
