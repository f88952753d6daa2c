package dev.signet.attestors.node.x509pop;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationMessages;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The x509pop wire format, as SPIRE's agent and server exchange it (JSON; byte fields base64 as Go encodes
 * {@code []byte}): the attestation payload {@code {"certificates":[DER…]}} (leaf first), the challenge
 * {@code {"rsa_signature":{"nonce"}}} or {@code {"ecdsa_signature":{"nonce"}}}, and the response with the
 * agent's own nonce and a signature over SHA-256(server nonce ‖ agent nonce): RSA-PSS, or ECDSA as (r, s).
 */
final class X509PopProtocol {
  static final String NAME = "x509pop";
  static final int NONCE_LENGTH = 32;
  private X509PopProtocol() {}

  record AttestationData(@JsonProperty("certificates") List<byte[]> certificates) {}

  record NonceChallenge(@JsonProperty("nonce") byte[] nonce) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Challenge(@JsonProperty("rsa_signature") NonceChallenge rsaSignature,
      @JsonProperty("ecdsa_signature") NonceChallenge ecdsaSignature) {}

  record RsaResponse(@JsonProperty("nonce") byte[] nonce, @JsonProperty("signature") byte[] signature) {}

  record EcdsaResponse(@JsonProperty("nonce") byte[] nonce, @JsonProperty("r") byte[] r, @JsonProperty("s") byte[] s) {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  record Response(@JsonProperty("rsa_signature") RsaResponse rsaSignature,
      @JsonProperty("ecdsa_signature") EcdsaResponse ecdsaSignature) {}

  static byte[] encode(Object message) {
    return AttestationMessages.encode(NAME, message);
  }

  /** Decodes one message; anything malformed is INVALID_ARGUMENT (the offending JSON is never echoed whole). */
  static <T> T decode(byte[] json, Class<T> type, String what) {
    return AttestationMessages.decode(NAME, json, type, what);
  }

  /** SHA-256(challenge nonce ‖ response nonce), both exactly 32 bytes: what the agent signs. */
  static byte[] combinedNonces(byte[] challenge, byte[] response) {
    if (challenge == null || challenge.length != NONCE_LENGTH) {
      throw AttestationException.invalid(NAME + ": challenge nonce must be " + NONCE_LENGTH + " bytes");
    }
    if (response == null || response.length != NONCE_LENGTH) {
      throw AttestationException.invalid(NAME + ": response nonce must be " + NONCE_LENGTH + " bytes");
    }
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(challenge);
      sha256.update(response);
      return sha256.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /** SPIRE's fingerprint: lower-case hex SHA-1 of the certificate's DER. */
  static String fingerprint(byte[] der) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(der));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-1", e);
    }
  }
}
