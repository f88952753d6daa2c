package dev.signet.attestors.node;

import dev.signet.common.secret.Secret;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent halves of the node attestors need from the agent to be created.
 *
 * @param joinToken the join token given by {@code join_token}, {@code -joinToken} or {@code -joinTokenFile}
 */
public record AgentNodeAttestorDependencies(Optional<Secret> joinToken) {
  public AgentNodeAttestorDependencies {
    Objects.requireNonNull(joinToken, "join token");
  }
}
