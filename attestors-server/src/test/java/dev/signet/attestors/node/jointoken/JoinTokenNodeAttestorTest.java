package dev.signet.attestors.node.jointoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinTokenNodeAttestorTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final Map<String, Instant> stored = new HashMap<>();
  private final JoinTokenNodeAttestor attestor =
      new JoinTokenNodeAttestor(t -> Optional.ofNullable(stored.remove(t)), clock);

  private AttestResult attest(String token) {
    return attestor.attest(TD, token.getBytes(StandardCharsets.UTF_8), c -> {
      throw new AssertionError("join_token never challenges");
    });
  }

  @Test
  void validTokenNamesTheAgentAndIsNotReattestable() {
    stored.put("abc-123", clock.instant().plusSeconds(600));
    AttestResult result = attest("abc-123");
    assertThat(result.agentId().toString()).isEqualTo("spiffe://example.org/spire/agent/join_token/abc-123");
    assertThat(result.canReattest()).isFalse();
    assertThat(result.selectors()).isEmpty();
  }

  @Test
  void tokenIsSingleUse() {
    stored.put("once", clock.instant().plusSeconds(600));
    attest("once");
    assertThatThrownBy(() -> attest("once"))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.PERMISSION_DENIED));
  }

  @Test
  void expiredTokenIsRefusedAndConsumed() {
    stored.put("old", clock.instant().plusSeconds(60));
    clock.advance(Duration.ofSeconds(61));
    assertThatThrownBy(() -> attest("old")).hasMessageContaining("expired");
    assertThat(stored).doesNotContainKey("old");
  }

  @Test
  void unknownTokenIsDenied() {
    assertThatThrownBy(() -> attest("nope")).hasMessageContaining("unknown or already used");
  }

  @Test
  void tokenThatCannotFormAnIdIsInvalid() {
    stored.put("a/../b", clock.instant().plusSeconds(60));
    assertThatThrownBy(() -> attest("a/../b"))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT));
  }

  @Test
  void emptyPayloadIsInvalid() {
    assertThatThrownBy(() -> attestor.attest(TD, new byte[0], c -> c))
        .isInstanceOfSatisfying(AttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.INVALID_ARGUMENT));
  }
}
