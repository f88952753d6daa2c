package dev.signet.server.access;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import java.io.IOException;

/** Strict reading of request inputs: bodies size-capped with unknown fields refused, SPIFFE IDs parsed; errors as 400/413 problems. */
final class RequestInputs {
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  private RequestInputs() {}

  static <T> T read(byte[] body, Class<T> type, String what) {
    if (body.length > MAX_BODY_BYTES) {
      throw new Problem(413, "Content Too Large", "request body of " + body.length + " bytes is over "
          + MAX_BODY_BYTES);
    }
    T value;
    try {
      value = JSON.readValue(body, type);
    } catch (IOException e) {
      throw Problem.badRequest("body is not " + what + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (value == null) {
      throw Problem.badRequest("body is not " + what + ": it is empty");
    }
    return value;
  }

  /** Identities, resources and actions are names, not documents: at most this many characters. */
  static final int MAX_NAME_CHARS = 1024;

  static void requireShort(String field, String text) {
    if (text.length() > MAX_NAME_CHARS) {
      throw Problem.badRequest(field + " is " + text.length() + " characters long; at most " + MAX_NAME_CHARS
          + " are accepted");
    }
  }

  static SpiffeId spiffeId(String field, String text) {
    if (text == null) {
      throw Problem.badRequest(field + " is required");
    }
    try {
      return SpiffeId.parse(text);
    } catch (InvalidSpiffeIdException e) {
      throw Problem.badRequest(field + " \"" + text + "\" is not a SPIFFE ID: " + e.getMessage());
    }
  }
}
