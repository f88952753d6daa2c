package dev.signet.common.svid;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Validates X509-SVIDs as the X509-SVID specification §5 requires: the leaf's shape ({@link #validateLeaf}),
 * the signing certificates' shape, then RFC 5280 path validation to the X.509 authorities of the leaf's
 * own trust domain ({@link #verify}).
 */
public final class X509SvidValidator {
  private static final int URI_SAN = 6;
  private static final int DIGITAL_SIGNATURE = 0;
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  private X509SvidValidator() {}

  /**
   * Checks that {@code leaf} is shaped like a leaf X509-SVID and returns its ID: exactly one URI SAN,
   * a valid SPIFFE ID with a path, not a CA, key usage with digitalSignature and without keyCertSign or
   * cRLSign. Says nothing about who signed it.
   */
  public static SpiffeId validateLeaf(X509Certificate leaf) {
    SpiffeId id = spiffeIdOf(leaf);
    if (id.isTrustDomainId()) {
      throw new SvidValidationException("leaf certificate spiffe id \"" + id + "\" has no path");
    }
    if (leaf.getBasicConstraints() != -1) {
      throw new SvidValidationException("leaf certificate \"" + id + "\" must not be a CA");
    }
    boolean[] usage = leaf.getKeyUsage();
    if (usage == null) {
      throw new SvidValidationException("leaf certificate \"" + id + "\" has no key usage extension");
    }
    if (!usage[DIGITAL_SIGNATURE]) {
      throw new SvidValidationException("leaf certificate \"" + id + "\" must have the digitalSignature key usage");
    }
    if (usage[KEY_CERT_SIGN]) {
      throw new SvidValidationException("leaf certificate \"" + id + "\" must not have the keyCertSign key usage");
    }
    if (usage.length > CRL_SIGN && usage[CRL_SIGN]) {
      throw new SvidValidationException("leaf certificate \"" + id + "\" must not have the cRLSign key usage");
    }
    return id;
  }

  /** The SPIFFE ID in the certificate's only URI SAN; more than one URI SAN is refused (X509-SVID §2). */
  public static SpiffeId spiffeIdOf(X509Certificate certificate) {
    Collection<List<?>> names;
    try {
      names = certificate.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new SvidValidationException("certificate " + subject(certificate)
          + " has an unreadable subject alternative name extension", e);
    }
    List<String> uris = names == null ? List.of()
        : names.stream().filter(n -> n.get(0) instanceof Integer t && t == URI_SAN).map(n -> (String) n.get(1)).toList();
    if (uris.size() != 1) {
      throw new SvidValidationException("certificate " + subject(certificate) + " must have exactly one URI SAN; it has "
          + uris.size() + (uris.isEmpty() ? "" : " " + uris));
    }
    try {
      return SpiffeId.parse(uris.getFirst());
    } catch (InvalidSpiffeIdException e) {
      throw new SvidValidationException("certificate URI SAN is not a spiffe id: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies an X509-SVID chain (leaf first, then any intermediates, optionally ending in a root) against
   * the bundle of the leaf's trust domain at time {@code now}, and returns the leaf's SPIFFE ID.
   * Intermediates must be CAs with keyCertSign; the chosen trust anchor must itself be within its validity
   * period (as in go-spiffe). Tainted authorities still verify: taint means "rotate away", not "revoked".
   */
  public static SpiffeId verify(List<X509Certificate> chain, BundleSource bundles, Instant now) {
    if (chain == null || chain.isEmpty()) {
      throw new SvidValidationException("x509-svid chain is empty");
    }
    SpiffeId id = validateLeaf(chain.getFirst());
    for (int i = 1; i < chain.size(); i++) {
      validateSigningCertificate(chain.get(i), i);
    }
    Bundle bundle = bundles.bundleFor(id.trustDomain()).orElseThrow(() -> new SvidValidationException(
        "x509-svid \"" + id + "\": no bundle for trust domain \"" + id.trustDomain() + "\""));
    if (bundle.x509Authorities().isEmpty()) {
      throw new SvidValidationException("x509-svid \"" + id + "\": the bundle of \"" + id.trustDomain()
          + "\" has no x509 authorities");
    }
    PathValidation.validate(id, chain, bundle.x509Certificates(), now);
    return id;
  }

  private static void validateSigningCertificate(X509Certificate certificate, int index) {
    String which = "chain certificate " + index + " (" + subject(certificate) + ")";
    if (certificate.getBasicConstraints() == -1) {
      throw new SvidValidationException(which + " is not a CA and cannot sign x509-svids");
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage == null || !usage[KEY_CERT_SIGN]) {
      throw new SvidValidationException(which + " lacks the keyCertSign key usage");
    }
  }

  static String subject(X509Certificate certificate) {
    return "\"" + certificate.getSubjectX500Principal().getName() + "\"";
  }
}
