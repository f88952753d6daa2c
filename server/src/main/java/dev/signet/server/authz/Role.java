package dev.signet.server.authz;

/** Who may call an RPC, following SPIRE's default authorization policy. */
public enum Role {
  /** Anyone, authenticated or not (AttestAgent, GetBundle, health). */
  ANY,
  /** A caller on the admin Unix socket. */
  LOCAL,
  /** A caller whose SVID ID is in {@code admin_ids} or belongs to an entry marked admin. */
  ADMIN,
  /** An attested, unexpired, unbanned agent presenting its current (or new) agent SVID. */
  AGENT,
  /** A caller whose SVID ID belongs to an entry marked downstream. */
  DOWNSTREAM
}
