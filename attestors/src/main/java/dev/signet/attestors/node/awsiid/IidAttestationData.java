package dev.signet.attestors.node.awsiid;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;

/**
 * The aws_iid attestation payload as SPIRE's agent sends it:
 * {@code {"document": "<IMDS document JSON>", "signature": "<base64 RSA-1024 signature>", "rsa2048": "<base64 PKCS#7>"}}.
 * All three are the IMDS responses verbatim, as strings. A SPIRE server prefers {@code rsa2048}; the legacy
 * {@code signature} is carried for old servers only (signet's server requires {@code rsa2048}).
 */
record IidAttestationData(
    @JsonProperty("document") String document,
    @JsonProperty("signature") String signature,
    @JsonProperty("rsa2048") String rsa2048) {

  /** Upper bound on a payload we bother to parse: a real one is about 3 KiB. */
  static final int MAX_PAYLOAD = 64 * 1024;

  // Like Go's encoding/json: unknown fields are ignored, so a newer agent can add some.
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("aws_iid: attestation data cannot be encoded", e);
    }
  }

  /**
   * @throws AttestationException INVALID_ARGUMENT for anything but a JSON object with a document and an
   *     RSA-2048 signature (the message never echoes the payload)
   */
  static IidAttestationData decode(byte[] payload) {
    if (payload.length == 0) {
      throw AttestationException.invalid(AwsIid.NAME + ": missing attestation payload");
    }
    if (payload.length > MAX_PAYLOAD) {
      throw AttestationException.invalid(AwsIid.NAME + ": attestation payload of " + payload.length
          + " bytes is too large (at most " + MAX_PAYLOAD + ")");
    }
    IidAttestationData data;
    try {
      data = JSON.readValue(payload, IidAttestationData.class);
    } catch (JsonProcessingException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to unmarshal the attestation data: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to unmarshal the attestation data: " + e.getMessage());
    }
    if (data == null || data.document() == null || data.document().isBlank()) {
      throw AttestationException.invalid(AwsIid.NAME + ": the attestation data has no instance identity document");
    }
    if (data.rsa2048() == null || data.rsa2048().isBlank()) {
      throw AttestationException.invalid(AwsIid.NAME + ": the attestation data has no rsa2048 signature"
          + " (agents that send only the legacy RSA-1024 signature are not supported)");
    }
    return data;
  }

  @Override
  public String toString() {
    // Never print the document or the signatures: they are the node's credential.
    return "IidAttestationData[document=" + length(document) + " chars, signature=" + length(signature)
        + " chars, rsa2048=" + length(rsa2048) + " chars]";
  }

  private static int length(String value) {
    return value == null ? 0 : value.length();
  }
}
