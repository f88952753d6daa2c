package dev.signet.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class EncodedKeysTest {
  @Test
  void everyKeyTypeSpireUsesComesBackAsTheSameKey() {
    for (KeyType type : KeyType.values()) {
      KeyPair pair = type.generate();
      assertThat(EncodedKeys.privateKey(pair.getPrivate().getEncoded()).getEncoded()).as("%s private", type)
          .isEqualTo(pair.getPrivate().getEncoded());
      assertThat(EncodedKeys.privateKey(pair.getPrivate().getEncoded()).getAlgorithm()).as("%s private", type)
          .isEqualTo(pair.getPrivate().getAlgorithm());
      assertThat(EncodedKeys.publicKey(pair.getPublic().getEncoded())).as("%s public", type)
          .isEqualTo(pair.getPublic());
    }
  }

  @Test
  void garbageATruncatedKeyAndAnotherKeyTypeAreRefused() throws Exception {
    byte[] pkcs8 = KeyType.EC_P256.generate().getPrivate().getEncoded();
    assertThatThrownBy(() -> EncodedKeys.privateKey("not a key".getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#8 private key is malformed");
    assertThatThrownBy(() -> EncodedKeys.privateKey(Arrays.copyOf(pkcs8, pkcs8.length - 5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EncodedKeys.publicKey(pkcs8)).as("a private key where a public one is expected")
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKIX public key");
    KeyPairGenerator ed25519 = KeyPairGenerator.getInstance("Ed25519");
    assertThatThrownBy(() -> EncodedKeys.publicKey(ed25519.generateKeyPair().getPublic().getEncoded()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an EC or RSA key");
  }
}
