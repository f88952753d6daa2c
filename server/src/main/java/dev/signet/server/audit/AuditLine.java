package dev.signet.server.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The byte layout of one audit record, and its parsing.
 *
 * <p><b>Keyed records</b> (written since the chain was keyed). A line is the UTF-8 bytes
 * <pre>  B + {@code ,"hash":"} + H + {@code "}} + LF</pre>
 * where B is Jackson's compact serialisation of the object {@code {"seq":…,"time":…,"actor":…,"action":…,
 * "outcome":…,"reason":…,"request_id":…,"key":…,"prev_hash":…}} without its closing brace, and H is the
 * lower-case hex of HMAC-SHA-256(audit key, B). The MAC is computed over B exactly as it stands in the file,
 * so {@code audit verify} checks the bytes a reader sees, never a re-serialisation; B contains
 * {@code prev_hash}, the H of the record before (64 zeros for the first), which chains the records.
 * {@code key} is the {@link AuditKey#id() key's id}.
 *
 * <p><b>Legacy records</b> (trails written before the chain was keyed) have no {@code key} field and
 * {@code hash} = SHA-256 of the compact serialisation of the record without {@code hash}; a legacy line
 * is accepted only if it is byte for byte the serialisation of what it parses to, so two readers cannot
 * see two different records in it.
 *
 * <p>Every line is parsed with duplicate field names refused: {@code {"outcome":"ok","outcome":"denied"}}
 * is not a record, whatever a first-wins or last-wins reader would make of it.
 */
final class AuditLine {
  static final String GENESIS = "0".repeat(64);
  private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final byte[] HASH_FIELD = ",\"hash\":\"".getBytes(StandardCharsets.US_ASCII);
  private static final int HEX = 64;
  /** The bytes after B: {@code ,"hash":"} H {@code "}}. */
  private static final int SUFFIX = HASH_FIELD.length + HEX + 2;

  private AuditLine() {}

  /** The keyed line (with its final LF) for {@code fields}, which must end with {@code prev_hash}. */
  static byte[] keyed(Map<String, Object> fields, AuditKey key) {
    byte[] object = compact(fields);
    int body = object.length - 1; // without the closing brace
    byte[] line = Arrays.copyOf(object, body + SUFFIX + 1);
    System.arraycopy(HASH_FIELD, 0, line, body, HASH_FIELD.length);
    byte[] hex = hex(key.mac(object, 0, body));
    System.arraycopy(hex, 0, line, body + HASH_FIELD.length, HEX);
    line[line.length - 3] = '"';
    line[line.length - 2] = '}';
    line[line.length - 1] = '\n';
    return line;
  }

  /**
   * The compact serialisation of {@code fields} (strings, and whole numbers as {@link Long} or {@link Integer}) in
   * their order: what {@link ObjectMapper#writeValueAsBytes} makes of such a map, written by the generator directly,
   * which spares each record the mapper's serializer lookup (a third of an audited call's cost in the trail).
   */
  private static byte[] compact(Map<String, Object> fields) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
      json.writeStartObject();
      for (Map.Entry<String, Object> field : fields.entrySet()) {
        json.writeFieldName(field.getKey());
        switch (field.getValue()) {
          case Long number -> json.writeNumber(number);
          case Integer number -> json.writeNumber(number);
          case String text -> json.writeString(text);
          default -> throw new IllegalArgumentException("audit field " + field.getKey() + " is neither a string nor "
              + "a whole number: " + field.getValue().getClass().getName());
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("audit record cannot be serialised", e);
    }
    return bytes.toByteArray();
  }

  /** Parses one line (without its LF), refusing duplicate field names and anything but an object. */
  static ObjectNode parse(byte[] line, int from, int to) throws JsonProcessingException {
    JsonNode node;
    try {
      node = JSON.readTree(line, from, to - from);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
    if (!(node instanceof ObjectNode object)) {
      throw new JsonProcessingException("not a JSON object") {};
    }
    return object;
  }

  /**
   * Checks a keyed line's MAC: {@code null} when it holds, else what is wrong. The line must end with the
   * hash field exactly as {@link #keyed} writes it; the hex is compared in constant time.
   */
  static String checkMac(byte[] line, int from, int to, AuditKey key) {
    int body = to - SUFFIX;
    if (body <= from || line[to - 1] != '}' || line[to - 2] != '"'
        || !Arrays.equals(line, body, body + HASH_FIELD.length, HASH_FIELD, 0, HASH_FIELD.length)) {
      return "the line does not end with its \"hash\" field as the trail writes it";
    }
    byte[] expected = hex(key.mac(line, from, body));
    byte[] stored = Arrays.copyOfRange(line, body + HASH_FIELD.length, body + HASH_FIELD.length + HEX);
    return MessageDigest.isEqual(expected, stored) ? null
        : "its HMAC does not match its content (changed, or written without the key)";
  }

  /** Checks a legacy line: {@code null} when its SHA-256 and its exact bytes hold, else what is wrong. */
  static String checkLegacy(byte[] line, int from, int to, ObjectNode record) {
    Map<String, Object> fields = JSON.convertValue(record, LinkedHashMap.class);
    Object stored = fields.remove("hash");
    byte[] canonical;
    String sha;
    try {
      canonical = JSON.writeValueAsBytes(fields);
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("legacy audit record cannot be hashed", e);
    }
    if (!sha.equals(stored)) {
      return "its SHA-256 does not match its content";
    }
    fields.put("hash", stored);
    try {
      byte[] written = JSON.writeValueAsBytes(fields);
      if (!Arrays.equals(written, 0, written.length, line, from, to)) {
        return "the line is not written as the trail writes records";
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("legacy audit record cannot be serialised", e);
    }
    return null;
  }

  private static byte[] hex(byte[] mac) {
    return HexFormat.of().formatHex(mac).getBytes(StandardCharsets.US_ASCII);
  }
}
