package dev.signet.attestors.node.jointoken;

/** Names shared by both halves of {@code NodeAttestor "join_token"} (and the agent's configuration). */
public final class JoinTokenNames {
  /** SPIRE's plugin name, also the attestation data type. */
  public static final String NAME = "join_token";

  private JoinTokenNames() {}
}
