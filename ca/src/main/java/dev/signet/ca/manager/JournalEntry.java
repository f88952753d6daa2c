package dev.signet.ca.manager;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One authority as recorded in the journal. Private keys are not here: they stay in the key manager under
 * the slot's key ID, and are matched against the recorded public material on load.
 *
 * @param kind {@code x509} or {@code jwt}
 * @param certificates for X.509: base64 DER of the CA certificate, then its upstream chain
 * @param selfSigned for X.509: whether the CA is its own root
 * @param keyId for JWT: the kid
 * @param notAfter for JWT: the key's expiry (X.509 reads it from the certificate)
 * @param publicKey for JWT: base64 DER SubjectPublicKeyInfo, to detect a replaced key
 */
record JournalEntry(String kind, String slotId, AuthorityStatus status, boolean tainted, Instant issuedAt,
    List<String> certificates, boolean selfSigned, String keyId, Instant notAfter, String publicKey) {
  static final String X509 = "x509";
  static final String JWT = "jwt";

  JournalEntry {
    if (!X509.equals(kind) && !JWT.equals(kind)) {
      throw new IllegalArgumentException("journal entry kind \"" + kind + "\" is neither x509 nor jwt");
    }
    if (!"A".equals(slotId) && !"B".equals(slotId)) {
      throw new IllegalArgumentException("journal entry slot \"" + slotId + "\" is neither A nor B");
    }
    Objects.requireNonNull(status, "journal entry has no status");
    Objects.requireNonNull(issuedAt, "journal entry has no issue time");
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
  }
}
