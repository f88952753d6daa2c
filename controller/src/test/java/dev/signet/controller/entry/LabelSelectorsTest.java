package dev.signet.controller.entry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {
  private static final Map<String, String> LABELS = Map.of("app", "web", "tier", "front");

  @Test
  void noSelectorSelectsEverything() {
    assertThat(LabelSelectors.matches(null, LABELS)).isTrue();
    assertThat(LabelSelectors.matches(new LabelSelector(), null)).isTrue();
  }

  @Test
  void matchLabelsAndExpressionsAreAnded() {
    assertThat(LabelSelectors.matches(selector(Map.of("app", "web"), "tier", "In", "front", "back"), LABELS)).isTrue();
    assertThat(LabelSelectors.matches(selector(Map.of("app", "db"), "tier", "In", "front"), LABELS)).isFalse();
    assertThat(LabelSelectors.matches(selector(Map.of(), "tier", "NotIn", "front"), LABELS)).isFalse();
    assertThat(LabelSelectors.matches(selector(Map.of(), "zone", "NotIn", "a"), LABELS)).isTrue();
    assertThat(LabelSelectors.matches(selector(Map.of(), "tier", "Exists"), LABELS)).isTrue();
    assertThat(LabelSelectors.matches(selector(Map.of(), "tier", "DoesNotExist"), LABELS)).isFalse();
    assertThat(LabelSelectors.matches(selector(Map.of("app", "web"), "zone", "Exists"), LABELS)).isFalse();
  }

  @Test
  void badOperatorsAreRefused() {
    assertThatThrownBy(() -> LabelSelectors.check(selector(Map.of(), "tier", "Matches", "x"), "podSelector"))
        .hasMessage("podSelector: unknown operator \"Matches\"");
    assertThatThrownBy(() -> LabelSelectors.check(selector(Map.of(), "tier", "In"), "podSelector"))
        .hasMessage("podSelector: operator In needs values");
    assertThatThrownBy(() -> LabelSelectors.check(selector(Map.of(), "tier", "Exists", "x"), "namespaceSelector"))
        .hasMessage("namespaceSelector: operator Exists takes no values");
  }

  private static LabelSelector selector(Map<String, String> labels, String key, String operator, String... values) {
    return new LabelSelectorBuilder().withMatchLabels(labels).addNewMatchExpression().withKey(key)
        .withOperator(operator).withValues(values).endMatchExpression().build();
  }
}
