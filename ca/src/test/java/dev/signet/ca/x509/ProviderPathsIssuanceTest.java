package dev.signet.ca.x509;

import static dev.signet.ca.x509.X509SvidMinterTest.ID;
import static dev.signet.ca.x509.X509SvidMinterTest.NOW;
import static dev.signet.ca.x509.X509SvidMinterTest.TD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.ca.CaRandom;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.ca.jwt.JwtSvidMinter;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.FailingNativeProvider;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.JwtSvidValidator;
import dev.signet.common.svid.JwsVerifiers;
import com.nimbusds.jwt.SignedJWT;
import java.security.Security;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issuance end to end (CA certificate, CSR verification, X509-SVID, JWT-SVID) on ACCP, on BouncyCastle by
 * configuration, and on BouncyCastle because ACCP "cannot load"; every signature is then verified by the
 * JDK's SunEC / SunRsaSign, an independent implementation.
 */
class ProviderPathsIssuanceTest {
  enum Path { ACCP, BOUNCYCASTLE, ACCP_CANNOT_LOAD }

  @AfterEach
  void restoreDefault() {
    CryptoProviders.install(CryptoProviderMode.AUTO);
  }

  @ParameterizedTest
  @EnumSource(Path.class)
  void issuanceVerifiesWithAnIndependentProvider(Path path) throws Exception {
    CryptoProviders.Selection selection = switch (path) {
      case ACCP -> CryptoProviders.install(CryptoProviderMode.ACCP);
      case BOUNCYCASTLE -> CryptoProviders.install(CryptoProviderMode.BOUNCYCASTLE);
      case ACCP_CANNOT_LOAD -> {
        CryptoProviders.install(CryptoProviderMode.BOUNCYCASTLE);
        yield CryptoProviders.install(CryptoProviderMode.AUTO, new FailingNativeProvider());
      }
    };
    assertThat(selection.isNative()).isEqualTo(path == Path.ACCP);
    for (KeyType caType : KeyType.values()) {
      X509SigningAuthority ca = X509SvidMinterTest.selfSignedCa(caType, Duration.ofHours(24));
      String independent = caType.name().startsWith("EC") ? "SunEC" : "SunRsaSign";
      ca.certificate().verify(ca.publicKey(), independent);

      KeyPair workload = KeyType.EC_P256.generate();
      ParsedCsr csr = CsrParser.parse(Csrs.forKey(workload));
      X509Certificate svid = X509SvidMinter.mint(ca, csr.publicKey(), ID, List.of("w.example.org"),
          Duration.ofHours(1), NOW);
      svid.verify(ca.publicKey(), independent);
      CredentialValidator.validateX509Svid(svid, ca, ID);

      KeyPair jwtKey = caType.generate();
      JwtSigningAuthority jwtAuthority = new JwtSigningAuthority(CaRandom.keyId(), jwtKey, NOW.plus(Duration.ofDays(1)));
      var jwt = JwtSvidMinter.mint(jwtAuthority, ID, List.of("aud"), Duration.ofMinutes(5), null, NOW);
      Bundle bundle = Bundle.empty(TD).withJwtAuthority(jwtAuthority.toBundleAuthority());
      assertThat(JwtSvidValidator.validate(jwt.token().reveal(), BundleSource.of(bundle), "aud", NOW).subject()).isEqualTo(ID);
      CredentialValidator.validateJwtSvid(jwt, jwtAuthority);
      var independentJws = JwsVerifiers.forKey(jwtKey.getPublic()).orElseThrow();
      independentJws.getJCAContext().setProvider(Security.getProvider(independent));
      assertThat(SignedJWT.parse(jwt.token().reveal()).verify(independentJws)).isTrue();
    }
  }
}
