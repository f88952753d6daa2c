package dev.signet.ca.crypto;

import dev.signet.common.crypto.CryptoProviders;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECKey;

/**
 * Verifies a signature the CA just made with a second, independent provider before the certificate leaves
 * the CA: BouncyCastle when ACCP signed, the JDK's SunEC / SunRsaSign when BouncyCastle did.
 *
 * <p>Security decision: a faulty signature (a provider bug, a fault in the hardware) is never released,
 * since a wrong signature is at best an outage for everyone who trusts the CA and, for some faults, leaks
 * the key. The check covers CA certificates (self-signed roots and intermediates), which are few and
 * long-lived, and one X509-SVID per authority before its first issuance
 * ({@code CredentialValidator.validateMinting}); each leaf X509-SVID is not checked, because the second
 * provider's verification costs more than the whole issuance on ACCP (figures in benchmarks/RESULTS.md,
 * "Vetted crypto provider").
 */
public final class IndependentCheck {
  private IndependentCheck() {}

  /**
   * Verifies {@code certificate}'s signature under {@code issuerKey} with the second provider.
   *
   * @throws IllegalStateException when it does not verify (the certificate must not be used)
   */
  public static void verify(X509Certificate certificate, PublicKey issuerKey) {
    Provider second = secondFor(CryptoProviders.signing(), issuerKey);
    try {
      certificate.verify(issuerKey, second);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("certificate " + certificate.getSubjectX500Principal().getName() + " signed by "
          + CryptoProviders.signing().getName() + " does not verify with " + second.getName()
          + "; it is not released: " + e.getMessage(), e);
    }
  }

  /** The provider that checks signatures made by {@code signing} with a key like {@code key}. */
  static Provider secondFor(Provider signing, PublicKey key) {
    if (signing != CryptoProviders.bouncyCastle()) {
      return CryptoProviders.bouncyCastle();
    }
    Provider jdk = Security.getProvider(key instanceof ECKey ? "SunEC" : "SunRsaSign");
    if (jdk == null) {
      throw new IllegalStateException("the jdk's " + (key instanceof ECKey ? "SunEC" : "SunRsaSign")
          + " provider is missing; no independent check of " + signing.getName() + "'s signatures is possible");
    }
    return jdk;
  }
}
