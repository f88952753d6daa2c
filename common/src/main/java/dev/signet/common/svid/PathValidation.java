package dev.signet.common.svid;

import dev.signet.common.spiffe.SpiffeId;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXCertPathValidatorResult;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** RFC 5280 path validation with the JDK's PKIX validator; revocation checking is off (SPIFFE has none). */
final class PathValidation {
  private PathValidation() {}

  static void validate(SpiffeId id, List<X509Certificate> chain, List<X509Certificate> authorities, Instant now) {
    String where = "x509-svid \"" + id + "\"";
    Set<TrustAnchor> anchors = authorities.stream().map(a -> new TrustAnchor(a, null)).collect(Collectors.toSet());
    // A peer may send its root along; the anchor itself is not part of the path to validate.
    List<X509Certificate> path = new ArrayList<>(chain);
    while (path.size() > 1 && authorities.contains(path.getLast())) {
      path.removeLast();
    }
    PKIXCertPathValidatorResult result;
    try {
      CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(Date.from(now));
      result = (PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
    } catch (CertPathValidatorException e) {
      throw new SvidValidationException(where + " does not verify against the bundle of \"" + id.trustDomain()
          + "\": " + describe(e), e);
    } catch (CertificateException | InvalidAlgorithmParameterException e) {
      throw new SvidValidationException(where + " cannot be path-validated: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no PKIX certificate path validator", e);
    }
    X509Certificate anchor = result.getTrustAnchor().getTrustedCert();
    try {
      anchor.checkValidity(Date.from(now));
    } catch (CertificateException e) {
      throw new SvidValidationException(where + " chains to authority " + X509SvidValidator.subject(anchor)
          + " which is not valid at " + now, e);
    }
  }

  private static String describe(CertPathValidatorException e) {
    String message = e.getMessage() == null ? e.getReason().toString() : e.getMessage();
    if (e.getIndex() >= 0) {
      message += " (chain certificate " + e.getIndex() + ")";
    }
    return switch (e.getCause()) {
      case CertificateExpiredException expired -> message + ": certificate expired (" + expired.getMessage() + ")";
      case CertificateNotYetValidException early -> message + ": certificate is not yet valid (" + early.getMessage()
          + ")";
      case Throwable cause when cause.getMessage() != null -> message + ": " + cause.getMessage();
      case null, default -> message;
    };
  }
}
