package dev.signet.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.Security;
import java.security.Signature;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CryptoProvidersTest {
  private static final String ACCP = "AmazonCorrettoCryptoProvider";

  @AfterEach
  void restoreDefault() {
    CryptoProviders.install(CryptoProviderMode.AUTO);
  }

  @Test
  void autoInstallsAccpFirstInTheJvm() throws Exception {
    CryptoProviders.Selection selection = CryptoProviders.install(CryptoProviderMode.AUTO);
    assertThat(selection.isNative()).isTrue();
    assertThat(selection.fallbackReason()).isNull();
    assertThat(CryptoProviders.signing().getName()).isEqualTo(ACCP);
    assertThat(Security.getProviders()[0].getName()).isEqualTo(ACCP);
    assertThat(Signature.getInstance("SHA256withECDSA").getProvider().getName()).isEqualTo(ACCP);
    CryptoProviders.install(CryptoProviderMode.AUTO);
    assertThat(Security.getProviders()).filteredOn(p -> p.getName().equals(ACCP)).hasSize(1);
  }

  @Test
  void requiringAccpWorksWhenItLoads() {
    assertThat(CryptoProviders.install(CryptoProviderMode.ACCP).provider().getName()).isEqualTo(ACCP);
  }

  @Test
  void autoFallsBackToBouncyCastleWhenTheNativeLibraryCannotLoad() throws Exception {
    CryptoProviders.install(CryptoProviderMode.BOUNCYCASTLE); // ACCP out of the JVM, as it would be
    CryptoProviders.Selection selection = CryptoProviders.install(CryptoProviderMode.AUTO, new FailingNativeProvider());
    assertThat(selection.isNative()).isFalse();
    assertThat(selection.provider()).isSameAs(CryptoProviders.bouncyCastle());
    assertThat(selection.fallbackReason()).contains("no amazonCorrettoCryptoProvider in test");
    assertThat(CryptoProviders.signing()).isSameAs(CryptoProviders.bouncyCastle());
    assertThat(Security.getProviders()).noneMatch(p -> p.getName().equals(ACCP) || p.getName().equals("BC"));
    assertKeysAndCsrsWork(CryptoProviders.bouncyCastle().getName());
  }

  @Test
  void requiringAccpFailsClosedWhenTheNativeLibraryCannotLoad() {
    CryptoProviders.Selection before = CryptoProviders.selection();
    assertThatThrownBy(() -> CryptoProviders.install(CryptoProviderMode.ACCP, new FailingNativeProvider()))
        .isInstanceOf(CryptoProviderException.class)
        .hasMessageContaining("crypto_provider = \"accp\" requires amazon corretto crypto provider")
        .hasMessageContaining("no amazonCorrettoCryptoProvider in test");
    assertThat(CryptoProviders.selection()).isSameAs(before);
  }

  @Test
  void bouncyCastleModeTakesAccpOutOfTheJvm() throws Exception {
    CryptoProviders.install(CryptoProviderMode.AUTO);
    CryptoProviders.Selection selection = CryptoProviders.install(CryptoProviderMode.BOUNCYCASTLE);
    assertThat(selection.isNative()).isFalse();
    assertThat(selection.fallbackReason()).isNull();
    assertThat(Security.getProvider(ACCP)).isNull();
    assertThat(Signature.getInstance("SHA256withECDSA").getProvider().getName()).isNotEqualTo(ACCP);
    assertKeysAndCsrsWork("BC");
  }

  @Test
  void accpModeMakesKeysAndCsrsOnAccp() throws Exception {
    CryptoProviders.install(CryptoProviderMode.ACCP);
    assertKeysAndCsrsWork(ACCP);
  }

  @ParameterizedTest
  @ValueSource(strings = {"auto", "accp", "bouncycastle", "ACCP"})
  void configNamesParse(String name) {
    assertThat(CryptoProviderMode.fromConfigName(name).configName()).isEqualTo(name.toLowerCase(java.util.Locale.ROOT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "jdk", "sunec", "aws-lc"})
  void otherConfigNamesAreRefusedByName(String name) {
    assertThatThrownBy(() -> CryptoProviderMode.fromConfigName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("crypto_provider \"" + name + "\" is not one of auto, accp, bouncycastle");
  }

  private static void assertKeysAndCsrsWork(String provider) throws Exception {
    for (KeyType type : KeyType.values()) {
      KeyPair pair = type.generate();
      byte[] der = Csrs.forKey(pair);
      PKCS10CertificationRequest csr = new JcaPKCS10CertificationRequest(der);
      assertThat(csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
          .setProvider(CryptoProviders.bouncyCastle()).build(pair.getPublic()))).as("%s csr", type).isTrue();
    }
    KeyPair pair = KeyType.EC_P256.generate();
    Signature signer = Signature.getInstance("SHA256withECDSA", CryptoProviders.signing());
    assertThat(signer.getProvider().getName()).isEqualTo(provider);
    signer.initSign(pair.getPrivate());
    signer.update(new byte[] {1, 2, 3});
    Signature verifier = Signature.getInstance("SHA256withECDSA", "SunEC"); // a second, independent provider
    verifier.initVerify(pair.getPublic());
    verifier.update(new byte[] {1, 2, 3});
    assertThat(verifier.verify(signer.sign())).isTrue();
  }
}
