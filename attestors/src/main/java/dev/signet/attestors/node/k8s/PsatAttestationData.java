package dev.signet.attestors.node.k8s;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;

/** k8s_psat's attestation payload, as SPIRE's agent sends it: {@code {"cluster":"…","token":"…"}}. */
record PsatAttestationData(@JsonProperty("cluster") String cluster, @JsonProperty("token") String token) {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  byte[] encode() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("k8s_psat payload cannot be encoded", e);
    }
  }

  static PsatAttestationData decode(byte[] payload) {
    PsatAttestationData data;
    try {
      data = JSON.readValue(payload, PsatAttestationData.class);
    } catch (IOException e) {
      throw AttestationException.invalid("k8s_psat: malformed attestation data");
    }
    if (data == null || data.cluster() == null || data.cluster().isEmpty()) {
      throw AttestationException.invalid("k8s_psat: attestation data has no cluster");
    }
    if (data.token() == null || data.token().isEmpty()) {
      throw AttestationException.invalid("k8s_psat: attestation data has no token");
    }
    return data;
  }
}
