package dev.signet.attestors.node;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON messages of challenge/response attestors (x509pop, tpm): strict decoding (unknown fields refused),
 * and anything malformed reported as INVALID_ARGUMENT with the plugin name, never echoing the input whole.
 */
public final class AttestationMessages {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private AttestationMessages() {}

  public static byte[] encode(String plugin, Object message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (IOException e) {
      throw new IllegalStateException(plugin + " message cannot be encoded", e);
    }
  }

  public static <T> T decode(String plugin, byte[] json, Class<T> type, String what) {
    try {
      T value = JSON.readValue(json, type);
      if (value == null) {
        throw AttestationException.invalid(plugin + ": " + what + " is empty");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw AttestationException.invalid(plugin + ": malformed " + what + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw AttestationException.invalid(plugin + ": malformed " + what + ": " + e.getMessage());
    }
  }
}
