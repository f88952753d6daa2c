package dev.signet.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustDomainTest {
  @ParameterizedTest
  @CsvSource({
      "example.org, example.org",
      "spiffe://example.org, example.org",
      "td, td",
      "a-b_c.d0, a-b_c.d0",
      "1.2.3.4, 1.2.3.4",
      "spiffe://k8s-west.example.com, k8s-west.example.com",
  })
  void parsesNamesAndTrustDomainIds(String text, String name) {
    TrustDomain td = TrustDomain.parse(text);
    assertThat(td.name()).isEqualTo(name);
    assertThat(td).hasToString(name);
    assertThat(td.idString()).isEqualTo("spiffe://" + name);
    assertThat(td.id()).isEqualTo(SpiffeId.parse("spiffe://" + name));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Example.org", "EXAMPLE.ORG", "example.org:8080", "user@example.org", "example.org/path",
      "example .org", "ex%61mple.org", "exämple.org", "example.org?", "example.org#", "*.example.org",
      "spiffe://Example.org", "SPIFFE://example.org", "spiffe://", "spiffe:///", "spiffe://example.org/",
      "spiffe://example.org/path", "spiffe://example.org:443", "http://example.org",
  })
  void rejectsInvalidNames(String text) {
    assertThatThrownBy(() -> TrustDomain.parse(text)).isInstanceOf(InvalidSpiffeIdException.class)
        .hasMessageContaining(text.contains("://") && !text.startsWith("spiffe://") ? "must start with" : "");
  }

  @ParameterizedTest
  @NullAndEmptySource
  void rejectsMissingNames(String text) {
    assertThatThrownBy(() -> TrustDomain.parse(text)).hasMessage("trust domain is missing");
    assertThatThrownBy(() -> new TrustDomain(text)).hasMessage("trust domain is missing");
  }

  @Test
  void upperCaseIsRejectedNotFolded() {
    assertThatThrownBy(() -> new TrustDomain("Example.org"))
        .hasMessageContaining("trust domain \"Example.org\" has an invalid character 'E'");
  }

  @Test
  void acceptsExactly255Characters() {
    String atLimit = "a".repeat(TrustDomain.MAX_LENGTH);
    assertThat(new TrustDomain(atLimit).name()).hasSize(255);
    assertThatThrownBy(() -> new TrustDomain(atLimit + "a")).hasMessageContaining("longer than 255 characters");
    assertThatThrownBy(() -> SpiffeId.parse("spiffe://" + atLimit + "a/w"))
        .hasMessageContaining("longer than 255 characters");
  }

  @Test
  void aPathIsNotATrustDomain() {
    assertThatThrownBy(() -> TrustDomain.parse("spiffe://example.org/workload"))
        .hasMessage("trust domain id \"spiffe://example.org/workload\" must not have a path");
  }
}
