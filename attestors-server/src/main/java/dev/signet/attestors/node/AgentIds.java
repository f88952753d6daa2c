package dev.signet.attestors.node;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;

/** Builds agent IDs in SPIRE's shape: {@code spiffe://<td>/spire/agent/<attestor>/<unique...>}. */
public final class AgentIds {
  /** Path prefix every agent ID has. */
  public static final String AGENT_PATH_PREFIX = "/spire/agent/";

  private AgentIds() {}

  /**
   * @param attestor the attestor's plugin name
   * @param unique the attestor-specific suffix, itself a valid path (segments separated by '/')
   */
  public static SpiffeId agentId(TrustDomain trustDomain, String attestor, String unique) {
    return trustDomain.id(AGENT_PATH_PREFIX + attestor + "/" + unique);
  }

  /** True for IDs under {@code /spire/agent/}. */
  public static boolean isAgentId(SpiffeId id) {
    return id.path().startsWith(AGENT_PATH_PREFIX);
  }
}
