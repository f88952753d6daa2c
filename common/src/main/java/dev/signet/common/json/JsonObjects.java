package dev.signet.common.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON objects as plain Java values, on Jackson's streaming parser and generator only: objects are {@link Map}s in
 * document order, arrays {@link List}s, strings, numbers as the parser reads them (Integer, Long, BigInteger,
 * Double), booleans and null. Jackson's data binding is a few hundred classes (its object mapper, type factory and
 * serializers) that the agent's start-up paid only to read two small files and a JSON config (issue 16).
 *
 * <p>Stricter than a data-binding read: a duplicate member, a top level that is not an object, and anything after
 * the object are syntax errors ({@link JsonParseException}, with the line and column).
 */
public final class JsonObjects {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private JsonObjects() {}

  /** The object {@code json} holds. */
  public static Map<String, Object> parse(String json) throws IOException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return topLevel(parser);
    }
  }

  /** The object the UTF-8 {@code json} holds. */
  public static Map<String, Object> parse(byte[] json) throws IOException {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return topLevel(parser);
    }
  }

  /**
   * {@code object} as compact UTF-8 JSON. Values may be strings, numbers, booleans, null, byte arrays (written as
   * base64 strings), maps (keys as strings) and collections.
   */
  public static byte[] write(Map<String, ?> object) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = FACTORY.createGenerator(out)) {
      write(generator, object);
    } catch (IOException e) {
      throw new IllegalStateException("writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  private static Map<String, Object> topLevel(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new JsonParseException(parser, "expected a JSON object, found " + (first == null ? "nothing" : first));
    }
    Map<String, Object> object = object(parser);
    JsonToken after = parser.nextToken();
    if (after != null) {
      throw new JsonParseException(parser, "unexpected " + after + " after the JSON object");
    }
    return object;
  }

  private static Map<String, Object> object(JsonParser parser) throws IOException {
    Map<String, Object> object = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      object.put(name, value(parser, parser.nextToken()));
    }
    return object;
  }

  private static List<Object> array(JsonParser parser) throws IOException {
    List<Object> array = new ArrayList<>();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      array.add(value(parser, token));
    }
    return array;
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new JsonParseException(parser, "unexpected " + token);
    };
  }

  private static void write(JsonGenerator generator, Object value) throws IOException {
    switch (value) {
      case null -> generator.writeNull();
      case String text -> generator.writeString(text);
      case Boolean flag -> generator.writeBoolean(flag);
      case Integer number -> generator.writeNumber(number);
      case Long number -> generator.writeNumber(number);
      case Number number -> generator.writeNumber(number.toString());
      case byte[] bytes -> generator.writeBinary(bytes);
      case Map<?, ?> map -> {
        generator.writeStartObject();
        for (Map.Entry<?, ?> member : map.entrySet()) {
          generator.writeFieldName(String.valueOf(member.getKey()));
          write(generator, member.getValue());
        }
        generator.writeEndObject();
      }
      case Collection<?> items -> {
        generator.writeStartArray();
        for (Object item : items) {
          write(generator, item);
        }
        generator.writeEndArray();
      }
      default -> throw new IllegalArgumentException("no JSON form for a " + value.getClass().getName());
    }
  }
}
