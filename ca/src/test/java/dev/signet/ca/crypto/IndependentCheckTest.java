package dev.signet.ca.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.ca.x509.X509CaMinter;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import java.io.ByteArrayInputStream;
import java.security.KeyPair;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IndependentCheckTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");

  @AfterEach
  void restoreDefault() {
    CryptoProviders.install(CryptoProviderMode.AUTO);
  }

  @Test
  void theSecondProviderIsNeverTheOneThatSigned() {
    PublicKeys keys = new PublicKeys();
    CryptoProviders.install(CryptoProviderMode.ACCP);
    assertThat(IndependentCheck.secondFor(CryptoProviders.signing(), keys.ec).getName()).isEqualTo("BC");
    CryptoProviders.install(CryptoProviderMode.BOUNCYCASTLE);
    assertThat(IndependentCheck.secondFor(CryptoProviders.signing(), keys.ec).getName()).isEqualTo("SunEC");
    assertThat(IndependentCheck.secondFor(CryptoProviders.signing(), keys.rsa).getName()).isEqualTo("SunRsaSign");
  }

  @Test
  void aCertificateWithABadSignatureIsNotReleased() throws Exception {
    for (CryptoProviderMode mode : new CryptoProviderMode[] {CryptoProviderMode.ACCP, CryptoProviderMode.BOUNCYCASTLE}) {
      CryptoProviders.install(mode);
      KeyPair key = KeyType.EC_P256.generate();
      X509Certificate good = X509CaMinter.selfSigned(key.getPublic(), key.getPrivate(), TD, null, Duration.ofHours(1),
          Instant.now());
      IndependentCheck.verify(good, key.getPublic());
      byte[] der = good.getEncoded();
      der[der.length - 3] ^= 0x01; // inside s of the ECDSA-Sig-Value at the end
      X509Certificate bad = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(der));
      assertThatThrownBy(() -> IndependentCheck.verify(bad, key.getPublic()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("does not verify with")
          .hasMessageContaining("it is not released");
    }
  }

  private static final class PublicKeys {
    final java.security.PublicKey ec = KeyType.EC_P256.generate().getPublic();
    final java.security.PublicKey rsa = KeyType.RSA_2048.generate().getPublic();
  }
}
