package dev.signet.attestors.node.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;

/**
 * The attestation payload of {@code k8s_psat} and {@code k8s_sat}, as SPIRE's agents send it:
 * {@code {"cluster":"…","token":"…"}}. Unknown fields are refused.
 */
record K8sAttestationData(@JsonProperty("cluster") String cluster, @JsonProperty("token") String token) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /** Never prints the token (a bearer credential). */
  @Override
  public String toString() {
    return "K8sAttestationData[cluster=" + cluster + ", token=<redacted>]";
  }

  byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("k8s attestation payload cannot be encoded", e);
    }
  }

  /**
   * @param plugin the attestor's name, for messages
   * @throws AttestationException INVALID_ARGUMENT when malformed or without cluster or token
   */
  static K8sAttestationData decode(String plugin, byte[] payload) {
    K8sAttestationData data;
    try {
      data = JSON.readValue(payload, K8sAttestationData.class);
    } catch (IOException e) {
      throw AttestationException.invalid(plugin + ": malformed attestation data");
    }
    if (data == null || data.cluster() == null || data.cluster().isEmpty()) {
      throw AttestationException.invalid(plugin + ": attestation data has no cluster");
    }
    if (data.token() == null || data.token().isEmpty()) {
      throw AttestationException.invalid(plugin + ": attestation data has no token");
    }
    return data;
  }
}
