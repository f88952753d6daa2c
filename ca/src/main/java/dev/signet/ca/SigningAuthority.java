package dev.signet.ca;

import java.security.PublicKey;
import java.time.Instant;

/** What the CA manager needs to know of any signing authority, X.509 or JWT, to rotate it. */
public interface SigningAuthority {
  /** The authority ID SPIRE's LocalAuthority API uses: the hex SKI of an X.509 CA, the kid of a JWT key. */
  String authorityId();

  /** The public half of the signing key. */
  PublicKey publicKey();

  /** When the authority stops being valid; credentials it signs never outlive it. */
  Instant notAfter();
}
