package dev.signet.common.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * {@code -output json} exactly as SPIRE's CLIs print it, so scripts written for SPIRE parse ours: each message in
 * protojson with proto field names and unpopulated fields, then nulls dropped, object keys sorted, numbers as Go
 * prints a float64 ({@code 1796556837}, never {@code 1.796556837E9}), all on one line; one message prints as an
 * object, several as an array.
 */
public final class SpireCliJson {
  private static final JsonFormat.Printer PROTOJSON = JsonFormat.printer().preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BigDecimal PLAIN_FROM = new BigDecimal("1e-6");
  private static final BigDecimal PLAIN_BELOW = new BigDecimal("1e21");

  private SpireCliJson() {}

  /** The line SPIRE's CLI prints for {@code messages}, without its line break. */
  public static String print(MessageOrBuilder... messages) {
    List<String> printed = new ArrayList<>();
    for (MessageOrBuilder message : messages) {
      StringBuilder out = new StringBuilder();
      write(tree(message), out);
      printed.add(out.toString());
    }
    return printed.size() == 1 ? printed.getFirst() : "[" + String.join(",", printed) + "]";
  }

  private static JsonNode tree(MessageOrBuilder message) {
    try {
      return JSON.readTree(PROTOJSON.print(message));
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName() + " as JSON", e);
    }
  }

  private static void write(JsonNode node, StringBuilder out) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> field = it.next();
          if (!field.getValue().isNull()) {
            fields.add(field);
          }
        }
        fields.sort(Map.Entry.comparingByKey());
        out.append('{');
        for (int i = 0; i < fields.size(); i++) {
          out.append(i == 0 ? "" : ",").append(JSON.getNodeFactory().textNode(fields.get(i).getKey())).append(':');
          write(fields.get(i).getValue(), out);
        }
        out.append('}');
      }
      case ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonNode element : node) {
          if (element.getNodeType() == JsonNodeType.NULL) {
            continue;
          }
          out.append(first ? "" : ",");
          write(element, out);
          first = false;
        }
        out.append(']');
      }
      case NUMBER -> out.append(goNumber(node.decimalValue()));
      default -> out.append(node);
    }
  }

  /** A number as Go's encoding/json writes a float64: plain from 1e-6 up to 1e21, else with an exponent. */
  static String goNumber(BigDecimal value) {
    double d = value.doubleValue();
    BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    BigDecimal magnitude = exact.abs();
    if (magnitude.signum() == 0) {
      return "0";
    }
    if (magnitude.compareTo(PLAIN_FROM) >= 0 && magnitude.compareTo(PLAIN_BELOW) < 0) {
      return exact.toPlainString();
    }
    String digits = exact.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - exact.scale();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    // Go writes e-7 but e+21: only a positive exponent keeps two digits
    String power = exponent < 0 ? "-" + -exponent : "+" + (exponent < 10 ? "0" : "") + exponent;
    return (exact.signum() < 0 ? "-" : "") + mantissa + "e" + power;
  }
}
