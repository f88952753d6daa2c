package dev.signet.common.spiffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class SpiffeIdTest {
  private static final String TD_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789.-_";
  private static final String PATH_CHARS = TD_CHARS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "spiffe://example.org|example.org|''",
      "spiffe://example.org/workload|example.org|/workload",
      "spiffe://example.org/ns/prod/sa/web|example.org|/ns/prod/sa/web",
      "spiffe://k8s-west.example.com/ns/staging/sa/default|k8s-west.example.com|/ns/staging/sa/default",
      "spiffe://example.org/9eebccd2-12bf-40a6-b262-65fe0487d453|example.org|/9eebccd2-12bf-40a6-b262-65fe0487d453",
      "spiffe://td/Path.With_Mixed-Case|td|/Path.With_Mixed-Case",
      "spiffe://td/...|td|/...",
      "spiffe://td/.a/a./..b|td|/.a/a./..b",
      "spiffe://under_score.td|under_score.td|''",
      "spiffe://1.2.3.4/ip|1.2.3.4|/ip",
      "spiffe://td/spire/agent/join_token/abc|td|/spire/agent/join_token/abc",
  })
  void acceptsValidIds(String text, String trustDomain, String path) {
    SpiffeId id = SpiffeId.parse(text);
    assertThat(id.trustDomain().name()).isEqualTo(trustDomain);
    assertThat(id.path()).isEqualTo(path);
    assertThat(id).hasToString(text);
    assertThat(new SpiffeId(new TrustDomain(trustDomain), path)).isEqualTo(id);
  }

  static Stream<Arguments> invalidIds() {
    return Stream.of(
        Arguments.of("", "spiffe id is missing"),
        Arguments.of(null, "spiffe id is missing"),
        Arguments.of("example.org/workload", "must start with the scheme"),
        Arguments.of("http://example.org/workload", "must start with the scheme"),
        Arguments.of("SPIFFE://example.org/workload", "must start with the scheme"),
        Arguments.of("Spiffe://example.org/workload", "must start with the scheme"),
        Arguments.of("spiffe:/example.org/workload", "must start with the scheme"),
        Arguments.of("spiffe:example.org", "must start with the scheme"),
        Arguments.of(" spiffe://example.org/w", "must start with the scheme"),
        Arguments.of("spiffe://", "has no trust domain"),
        Arguments.of("spiffe:///workload", "has no trust domain"),
        Arguments.of("spiffe://Example.org/workload", "invalid character 'E'"),
        Arguments.of("spiffe://EXAMPLE.ORG", "invalid character 'E'"),
        Arguments.of("spiffe://example.org:8080/workload", "must not have a port"),
        Arguments.of("spiffe://example.org:/workload", "must not have a port"),
        Arguments.of("spiffe://user:password@example.org/workload", "must not have userinfo"),
        Arguments.of("spiffe://user@example.org/workload", "must not have userinfo"),
        Arguments.of("spiffe://example.org/workload?query=1", "must not have a query"),
        Arguments.of("spiffe://example.org?x", "must not have a query"),
        Arguments.of("spiffe://example.org/workload#fragment", "must not have a fragment"),
        Arguments.of("spiffe://example.org/workload?#", "must not have a query"),
        Arguments.of("spiffe://example.org/w%2Fx", "must not be percent-encoded"),
        Arguments.of("spiffe://example.org/%41", "must not be percent-encoded"),
        Arguments.of("spiffe://ex%61mple.org/w", "must not be percent-encoded"),
        Arguments.of("spiffe://example.org/", "must not end with '/'"),
        Arguments.of("spiffe://example.org/workload/", "must not end with '/'"),
        Arguments.of("spiffe://example.org//workload", "empty segment"),
        Arguments.of("spiffe://example.org/a//b", "empty segment"),
        Arguments.of("spiffe://example.org/.", "dot segment \".\""),
        Arguments.of("spiffe://example.org/..", "dot segment \"..\""),
        Arguments.of("spiffe://example.org/a/./b", "dot segment \".\""),
        Arguments.of("spiffe://example.org/a/../b", "dot segment \"..\""),
        Arguments.of("spiffe://example.org/../../etc/passwd", "dot segment \"..\""),
        Arguments.of("spiffe://example.org/pa:th", "invalid character ':'"),
        Arguments.of("spiffe://example.org/elem@ent", "invalid character '@'"),
        Arguments.of("spiffe://example.org/p!a$t&h'(e)l*e+m,e;n=t", "invalid character '!'"),
        Arguments.of("spiffe://example.org/elem[ent", "invalid character '['"),
        Arguments.of("spiffe://example.org/with space", "invalid character ' '"),
        Arguments.of("spiffe://example.org/caf\u00e9", "invalid character '\u00e9'"),
        Arguments.of("spiffe://exa\u0000mple.org/w", "invalid character"),
        Arguments.of("spiffe://example.org/spiffe://example.org/x", "invalid character ':'"),
        Arguments.of("spiffe://example.org\\workload", "invalid character '\\'"));
  }

  @ParameterizedTest
  @MethodSource("invalidIds")
  void rejectsInvalidIds(String text, String message) {
    assertThatThrownBy(() -> SpiffeId.parse(text))
        .isInstanceOf(InvalidSpiffeIdException.class).hasMessageContaining(message);
  }

  static IntStream everyLatin1Character() {
    return IntStream.range(0, 256);
  }

  @ParameterizedTest
  @MethodSource("everyLatin1Character")
  void trustDomainCharactersAreLimitedToLowerCaseLettersDigitsDotDashUnderscore(int c) {
    String text = "spiffe://trustdomain" + (char) c;
    if (TD_CHARS.indexOf(c) >= 0) {
      assertThat(SpiffeId.parse(text).trustDomain().name()).isEqualTo("trustdomain" + (char) c);
    } else {
      assertThatThrownBy(() -> SpiffeId.parse(text)).isInstanceOf(InvalidSpiffeIdException.class);
    }
  }

  @ParameterizedTest
  @MethodSource("everyLatin1Character")
  void pathCharactersAreLimitedToLettersDigitsDotDashUnderscore(int c) {
    String text = "spiffe://trustdomain/path" + (char) c;
    if (PATH_CHARS.indexOf(c) >= 0) {
      assertThat(SpiffeId.parse(text).path()).isEqualTo("/path" + (char) c);
    } else {
      assertThatThrownBy(() -> SpiffeId.parse(text)).isInstanceOf(InvalidSpiffeIdException.class);
    }
  }

  @Test
  void acceptsExactly2048BytesAndNoMore() {
    String prefix = "spiffe://example.org/";
    String atLimit = prefix + "a".repeat(SpiffeId.MAX_BYTES - prefix.length());
    assertThat(SpiffeId.parse(atLimit).toString()).hasSize(2048);
    assertThatThrownBy(() -> SpiffeId.parse(atLimit + "a")).hasMessageContaining("longer than 2048 bytes");
    String path = "/" + "a".repeat(SpiffeId.MAX_BYTES - prefix.length() + 1);
    assertThatThrownBy(() -> new SpiffeId(new TrustDomain("example.org"), path))
        .hasMessageContaining("2049 bytes; the limit is 2048");
    String segmented = prefix + "abc/".repeat(600) + "x";
    assertThatThrownBy(() -> SpiffeId.parse(segmented)).hasMessageContaining("longer than 2048 bytes");
  }

  @Test
  void constructorValidatesLikeParse() {
    TrustDomain td = new TrustDomain("example.org");
    assertThat(new SpiffeId(td, null).path()).isEmpty();
    assertThatThrownBy(() -> new SpiffeId(null, "/x")).hasMessage("trust domain is missing");
    assertThatThrownBy(() -> new SpiffeId(td, "x")).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> new SpiffeId(td, "/")).hasMessageContaining("must not end with '/'");
    assertThatThrownBy(() -> new SpiffeId(td, "/a/../b")).hasMessageContaining("dot segment");
    assertThatThrownBy(() -> new SpiffeId(td, "/a?b")).hasMessageContaining("invalid character '?'");
  }

  @Test
  void membershipOrderingAndTrustDomainIds() {
    SpiffeId workload = SpiffeId.parse("spiffe://example.org/w");
    assertThat(workload.memberOf(new TrustDomain("example.org"))).isTrue();
    assertThat(workload.memberOf(new TrustDomain("example.com"))).isFalse();
    assertThat(SpiffeId.parse("spiffe://other.example.org/w").memberOf(new TrustDomain("example.org"))).isFalse();
    assertThat(workload.isTrustDomainId()).isFalse();
    assertThat(SpiffeId.parse("spiffe://example.org").isTrustDomainId()).isTrue();
    assertThat(workload.compareTo(SpiffeId.parse("spiffe://example.org/x"))).isNegative();
    assertThat(new TrustDomain("example.org").id("/w")).isEqualTo(workload);
  }
}
