package dev.signet.attestors.node;

import dev.signet.attestors.node.jointoken.JoinTokenStore;
import dev.signet.common.svid.BundleSource;
import java.time.Clock;
import java.util.Objects;

/**
 * What the server halves of the node attestors need from the server to be created.
 *
 * @param joinTokens where {@code join_token} consumes its tokens
 * @param ownBundle the server's own bundle ({@code x509pop} in {@code spiffe} mode verifies against it)
 * @param clock the server's clock
 */
public record NodeAttestorDependencies(JoinTokenStore joinTokens, BundleSource ownBundle, Clock clock) {
  public NodeAttestorDependencies {
    Objects.requireNonNull(joinTokens, "join token store");
    Objects.requireNonNull(ownBundle, "own bundle");
    Objects.requireNonNull(clock, "clock");
  }
}
