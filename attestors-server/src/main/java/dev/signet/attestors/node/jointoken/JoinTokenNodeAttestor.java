package dev.signet.attestors.node.jointoken;

import dev.signet.attestors.node.AgentIds;
import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Server half of {@code join_token}: the payload is the token itself. A token is single use (consumed
 * before its expiry is checked, so an expired token cannot be retried either) and names the agent
 * {@code /spire/agent/join_token/<token>}. Agents attested this way cannot re-attest: the token is gone.
 */
public final class JoinTokenNodeAttestor implements NodeAttestor {
  public static final String NAME = JoinTokenNames.NAME;
  private static final int MAX_TOKEN_LENGTH = 256;
  /** The server half as its catalog knows it: no {@code plugin_data}; single use. */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<Void, NodeAttestorDependencies, NodeAttestor>(NAME, PluginData::none,
          (config, deps) -> new JoinTokenNodeAttestor(deps.joinTokens(), deps.clock()), true);

  private final JoinTokenStore tokens;
  private final Clock clock;

  public JoinTokenNodeAttestor(JoinTokenStore tokens, Clock clock) {
    this.tokens = tokens;
    this.clock = clock;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    if (payload.length == 0) {
      throw AttestationException.invalid("join_token: payload is empty");
    }
    if (payload.length > MAX_TOKEN_LENGTH) {
      throw AttestationException.invalid("join_token: token is longer than " + MAX_TOKEN_LENGTH + " bytes");
    }
    String token = new String(payload, StandardCharsets.UTF_8);
    Optional<Instant> expiry = tokens.consume(token);
    if (expiry.isEmpty()) {
      throw AttestationException.denied("join_token: unknown or already used join token");
    }
    if (!clock.instant().isBefore(expiry.get())) {
      throw AttestationException.denied("join_token: join token expired at " + expiry.get());
    }
    try {
      return new AttestResult(AgentIds.agentId(trustDomain, NAME, token), List.of(), false);
    } catch (InvalidSpiffeIdException e) {
      throw AttestationException.invalid("join_token: token cannot form an agent id: " + e.getMessage());
    }
  }
}
