package dev.signet.common.secret;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SecretTest {
  private record Holder(String name, Secret token) {}

  @Test
  void neverPrintsItsValueNotEvenInsideARecord() {
    Secret secret = Secret.of("hunter2");

    assertThat(secret).hasToString("****");
    assertThat(new Holder("agent", secret).toString()).isEqualTo("Holder[name=agent, token=****]")
        .doesNotContain("hunter2");
  }

  @Test
  void revealsItsValueWhereItIsUsed() {
    assertThat(Secret.of("hunter2").reveal()).isEqualTo("hunter2");
    assertThat(Secret.of("").isEmpty()).isTrue();
    assertThat(Secret.of("x").isEmpty()).isFalse();
  }

  @Test
  void equalWhenTheValuesAre() {
    assertThat(Secret.of("a")).isEqualTo(Secret.of("a")).hasSameHashCodeAs(Secret.of("a"));
    assertThat(Secret.of("a")).isNotEqualTo(Secret.of("b")).isNotEqualTo("a");
  }

  @Test
  void nullOnlyWhereAbsenceIsMeant() {
    assertThat(Secret.ofNullable(null)).isNull();
    assertThat(Secret.ofNullable("t")).isEqualTo(Secret.of("t"));
    assertThatThrownBy(() -> Secret.of(null)).isInstanceOf(NullPointerException.class).hasMessage("secret");
  }
}
