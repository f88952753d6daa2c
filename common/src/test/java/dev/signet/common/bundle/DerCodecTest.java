package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.KeyType;
import dev.signet.common.testing.TestCertificate;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerCodecTest {
  @Test
  void concatenatedCertificatesRoundTrip() {
    TestCertificate.Issued root = TestCertificate.ca("example.org").issue();
    X509Certificate leaf = TestCertificate.leaf("spiffe://example.org/w", root).issue().certificate();
    byte[] der = DerCodec.concat(List.of(leaf, root.certificate()));
    assertThat(DerCodec.parseCertificates(der)).containsExactly(leaf, root.certificate());
    assertThat(DerCodec.parseCertificate(DerCodec.encoded(leaf))).isEqualTo(leaf);
    assertThatThrownBy(() -> DerCodec.parseCertificate(der)).hasMessageContaining("found 2");
  }

  @Test
  void rejectsEmptyAndTruncatedInput() {
    X509Certificate root = TestCertificate.ca("example.org").issue().certificate();
    byte[] der = DerCodec.encoded(root);
    assertThatThrownBy(() -> DerCodec.parseCertificates(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> DerCodec.parseCertificates(Arrays.copyOf(der, der.length - 5)))
        .isInstanceOf(BundleFormatException.class).hasMessageContaining("certificate 0 at byte 0 is malformed");
    byte[] withGarbage = Arrays.copyOf(der, der.length + 3);
    assertThatThrownBy(() -> DerCodec.parseCertificates(withGarbage)).hasMessageContaining("certificate 1");
  }

  @Test
  void parsesPkcs8Keys() {
    KeyPair pair = KeyType.EC_P256.generate();
    assertThat(DerCodec.parsePrivateKey(pair.getPrivate().getEncoded())).isEqualTo(pair.getPrivate());
    assertThatThrownBy(() -> DerCodec.parsePrivateKey(new byte[] {1, 2, 3}))
        .isInstanceOf(BundleFormatException.class).hasMessageContaining("malformed");
  }
}
