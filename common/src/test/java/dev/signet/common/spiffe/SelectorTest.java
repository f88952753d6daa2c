package dev.signet.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SelectorTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "unix:uid:1000|unix|uid:1000",
      "k8s:ns:default|k8s|ns:default",
      "docker:label:com.example.name:web|docker|label:com.example.name:web",
      "join_token:abc|join_token|abc",
      "x509pop:subject:cn:node-1|x509pop|subject:cn:node-1",
      "spiffe_id:spiffe://example.org/w|spiffe_id|spiffe://example.org/w",
      "a::|a|:",
      "'t: v '|t|' v '",
  })
  void splitsAtTheFirstColon(String text, String type, String value) {
    Selector selector = Selector.parse(text);
    assertThat(selector.type()).isEqualTo(type);
    assertThat(selector.value()).isEqualTo(value);
    assertThat(selector).hasToString(text);
    assertThat(Selector.parse(selector.toString())).isEqualTo(selector);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(null, "selector is missing"),
        Arguments.of("", "must have the form type:value"),
        Arguments.of("unix", "must have the form type:value"),
        Arguments.of(":uid:1000", "must have the form type:value"),
        Arguments.of("unix:", "must have the form type:value"),
        Arguments.of(":", "must have the form type:value"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejectsMalformedSelectors(String text, String message) {
    assertThatThrownBy(() -> Selector.parse(text)).isInstanceOf(InvalidSpiffeIdException.class)
        .hasMessageContaining(message);
  }

  @Test
  void constructorValidates() {
    assertThatThrownBy(() -> new Selector("", "v")).hasMessage("selector type is missing");
    assertThatThrownBy(() -> new Selector(null, "v")).hasMessage("selector type is missing");
    assertThatThrownBy(() -> new Selector("a:b", "v")).hasMessage("selector type \"a:b\" must not contain ':'");
    assertThatThrownBy(() -> new Selector("unix", "")).hasMessage("selector \"unix\" has no value");
    assertThatThrownBy(() -> new Selector("unix", null)).hasMessage("selector \"unix\" has no value");
  }

  @Test
  void sortsByTypeThenValue() {
    List<Selector> sorted = Stream.of("unix:uid:2", "k8s:ns:a", "unix:gid:1", "unix:uid:1")
        .map(Selector::parse).sorted().toList();
    assertThat(sorted).extracting(Selector::toString)
        .containsExactly("k8s:ns:a", "unix:gid:1", "unix:uid:1", "unix:uid:2");
  }
}
