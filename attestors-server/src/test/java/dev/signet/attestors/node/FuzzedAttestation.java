package dev.signet.attestors.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the node attestor fuzz tests require of a server half given a fuzzed input: it either attests or refuses
 * with an {@link AttestationException} of a kind other than {@code INTERNAL} (a malformed payload is the agent's
 * fault, never the server's); any other exception escapes and fails the fuzz test.
 */
public final class FuzzedAttestation {
  private FuzzedAttestation() {}

  /** The fuzz input as Jazzer may hand it over: {@code null} becomes no bytes. */
  public static byte[] bytes(byte[] input) {
    return input == null ? new byte[0] : input;
  }

  /** For the attestors that never challenge the agent: a challenge fails the test, naming {@code plugin}. */
  public static Challenger noChallenge(String plugin) {
    return challenge -> {
      throw new AssertionError(plugin + " sent a challenge");
    };
  }

  /**
   * Runs {@code attestation}: its result, or empty when it was refused with a kind other than {@code INTERNAL};
   * an {@code INTERNAL} refusal fails the test.
   */
  public static Optional<AttestResult> of(Supplier<AttestResult> attestation) {
    try {
      return Optional.of(attestation.get());
    } catch (AttestationException refused) {
      assertThat(refused.kind()).as(refused.getMessage()).isNotEqualTo(AttestationException.Kind.INTERNAL);
      return Optional.empty();
    }
  }
}
