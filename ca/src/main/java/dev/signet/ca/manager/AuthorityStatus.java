package dev.signet.ca.manager;

/** Where an authority is in its life, as SPIRE's LocalAuthority API reports it. */
public enum AuthorityStatus {
  /** Generated and published in the bundle, not yet signing. */
  PREPARED,
  /** Signing every new credential. */
  ACTIVE,
  /** Replaced by a newer authority; still trusted until it expires, is tainted and revoked. */
  OLD
}
