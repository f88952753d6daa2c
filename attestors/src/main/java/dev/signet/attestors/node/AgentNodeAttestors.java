package dev.signet.attestors.node;

import dev.signet.attestors.node.awsiid.AwsIidAttestorClient;
import dev.signet.attestors.node.jointoken.JoinTokenAttestorClient;
import dev.signet.attestors.node.k8s.K8sTokenAttestorClient;
import dev.signet.attestors.node.tpm.TpmAttestorClient;
import dev.signet.attestors.node.x509pop.X509PopAttestorClient;
import dev.signet.common.plugin.Cardinality;
import dev.signet.common.plugin.PluginCatalog;
import java.util.List;
import java.util.Optional;

/**
 * The agent's {@code NodeAttestor} catalog: the agent halves built into signet, keyed by SPIRE's names. Exactly
 * one is configured. A plugin yields no client when the agent has no evidence to attest with ({@code join_token}
 * without a token): such an agent can only resume the SVID stored in its data directory.
 */
public final class AgentNodeAttestors {
  /** The plugin type as spelled in {@code agent.conf}. */
  public static final String TYPE = "NodeAttestor";
  /** The catalog. */
  public static final PluginCatalog<AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> CATALOG =
      new PluginCatalog<>(TYPE, Cardinality.EXACTLY_ONE, List.of(JoinTokenAttestorClient.DESCRIPTOR,
          X509PopAttestorClient.DESCRIPTOR, K8sTokenAttestorClient.PSAT_DESCRIPTOR,
          K8sTokenAttestorClient.SAT_DESCRIPTOR, AwsIidAttestorClient.DESCRIPTOR, TpmAttestorClient.DESCRIPTOR));

  private AgentNodeAttestors() {}
}
