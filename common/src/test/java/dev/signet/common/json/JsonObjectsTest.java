package dev.signet.common.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonObjectsTest {
  @Test
  void valuesComeBackAsPlainJavaValuesInDocumentOrder() throws Exception {
    Map<String, Object> object = JsonObjects.parse("""
        {"z": "text", "a": 1, "big": 123456789012, "huge": 123456789012345678901234567890, "f": 1.5,
         "t": true, "n": null, "list": [1, "two", [3], {"k": false}], "nested": {"b": {}}}""");

    assertThat(object.keySet()).containsExactly("z", "a", "big", "huge", "f", "t", "n", "list", "nested");
    assertThat(object.get("z")).isEqualTo("text");
    assertThat(object.get("a")).isEqualTo(1);
    assertThat(object.get("big")).isEqualTo(123456789012L);
    assertThat(object.get("huge")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(object.get("f")).isEqualTo(1.5);
    assertThat(object.get("t")).isEqualTo(true);
    assertThat(object).containsEntry("n", null);
    assertThat(object.get("list")).isEqualTo(List.of(1, "two", List.of(3), Map.of("k", false)));
    assertThat(object.get("nested")).isEqualTo(Map.of("b", Map.of()));
  }

  @Test
  void whatIsWrittenReadsBackWithBytesAsBase64() throws Exception {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("id", "spiffe://example.org/a \"quoted\" \u00e9");
    object.put("count", 3);
    object.put("revision", Long.MAX_VALUE);
    object.put("flag", false);
    object.put("none", null);
    object.put("der", new byte[] {0, 1, 2, (byte) 0xff});
    object.put("names", List.of("a", "b"));
    object.put("map", Map.of("k", 1));

    Map<String, Object> back = JsonObjects.parse(JsonObjects.write(object));

    assertThat(back.keySet()).containsExactlyElementsOf(object.keySet());
    assertThat(back.get("id")).isEqualTo(object.get("id"));
    assertThat(back.get("revision")).isEqualTo(Long.MAX_VALUE);
    assertThat(Base64.getDecoder().decode((String) back.get("der"))).isEqualTo(new byte[] {0, 1, 2, (byte) 0xff});
    assertThat(back.get("names")).isEqualTo(List.of("a", "b"));
    assertThat(back.get("map")).isEqualTo(Map.of("k", 1));
    assertThat(new String(JsonObjects.write(Map.of("k", List.of())), StandardCharsets.UTF_8)).isEqualTo("{\"k\":[]}");
  }

  @Test
  void duplicatesOtherTopLevelsTrailingContentAndBrokenSyntaxAreRefusedWithTheirPlace() {
    for (String bad : List.of("{\"a\": 1, \"a\": 2}", "[1, 2]", "\"text\"", "", "{\"a\": 1} {}", "{\"a\": }",
        "{\"a\": [1, 2}", "{\"a\": 1")) {
      assertThatThrownBy(() -> JsonObjects.parse(bad)).as(bad).isInstanceOf(JsonParseException.class);
    }
    assertThatThrownBy(() -> JsonObjects.parse("{\n  \"a\": 1,\n  \"a\": 2}"))
        .hasMessageContaining("Duplicate field 'a'").hasMessageContaining("line: 3");
  }

  @Test
  void aValueWithoutAJsonFormIsRefused() {
    assertThatThrownBy(() -> JsonObjects.write(Map.of("x", new Object())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
  }
}
