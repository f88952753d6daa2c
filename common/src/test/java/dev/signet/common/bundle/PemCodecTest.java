package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.KeyType;
import dev.signet.common.testing.TestCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

class PemCodecTest {
  private static final String P256_PARAMETERS =
      "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";

  @Test
  void certificatesRoundTripInOrder() {
    X509Certificate a = TestCertificate.ca("a.test").issue().certificate();
    X509Certificate b = TestCertificate.ca("b.test").keyType(KeyType.RSA_2048).issue().certificate();
    String pem = PemCodec.encodeCertificates(List.of(a, b));
    assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.lines().filter(l -> !l.startsWith("-----")).allMatch(l -> l.length() <= 64)).isTrue();
    assertThat(PemCodec.decodeCertificates(pem)).containsExactly(a, b);
    assertThat(PemCodec.decodeCertificate(PemCodec.encodeCertificate(a))).isEqualTo(a);
    assertThat(PemCodec.decodeCertificates("comment line\n" + pem + "\ntrailing text\n")).containsExactly(a, b);
  }

  @ParameterizedTest
  @EnumSource(KeyType.class)
  void pkcs8KeysRoundTrip(KeyType type) {
    KeyPair pair = type.generate();
    String pem = PemCodec.encodePrivateKey(pair.getPrivate());
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n");
    assertThat(PemCodec.decodePrivateKey(pem)).isEqualTo(pair.getPrivate());
    assertThat(PemCodec.decodePublicKey(PemCodec.encodePublicKey(pair.getPublic()))).isEqualTo(pair.getPublic());
  }

  @ParameterizedTest
  @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384"})
  void readsSec1KeysAsOpensslWritesThem(KeyType type) throws IOException {
    KeyPair pair = type.generate();
    String sec1 = pem("EC PRIVATE KEY", sec1(pair, true));
    assertThat(scalar(PemCodec.decodePrivateKey(sec1))).isEqualTo(scalar(pair.getPrivate()));
  }

  @Test
  void readsSec1KeysThatLeaveTheCurveToAnEcParametersBlock() throws IOException {
    KeyPair pair = KeyType.EC_P256.generate();
    String bare = pem("EC PRIVATE KEY", sec1(pair, false));
    assertThat(scalar(PemCodec.decodePrivateKey(P256_PARAMETERS + bare))).isEqualTo(scalar(pair.getPrivate()));
    assertThatThrownBy(() -> PemCodec.decodePrivateKey(bare)).hasMessageContaining("names no curve");
  }

  @Test
  void readsPkcs1RsaKeys() throws IOException {
    KeyPair pair = KeyType.RSA_2048.generate();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair.getPrivate());
    }
    assertThat(out.toString()).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    assertThat(PemCodec.decodePrivateKey(out.toString()).getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
  }

  static Stream<Arguments> badCertificatePem() {
    return Stream.of(
        Arguments.of("empty", "", "no pem certificate found"),
        Arguments.of("no blocks", "just text", "no pem certificate found"),
        Arguments.of("garbled base64", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n", "malformed"),
        Arguments.of("not a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "malformed"),
        Arguments.of("unterminated", "-----BEGIN CERTIFICATE-----\nAAAA\n", "malformed"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCertificatePem")
  void rejectsBadCertificatePem(String name, String pem, String message) {
    assertThatThrownBy(() -> PemCodec.decodeCertificates(pem))
        .isInstanceOf(BundleFormatException.class).hasMessageContaining(message);
  }

  @Test
  void rejectsMixedAndMisplacedBlocks() {
    KeyPair pair = KeyType.EC_P256.generate();
    X509Certificate cert = TestCertificate.ca("a.test").issue().certificate();
    String keyPem = PemCodec.encodePrivateKey(pair.getPrivate());
    assertThatThrownBy(() -> PemCodec.decodeCertificates(PemCodec.encodeCertificate(cert) + keyPem))
        .hasMessageContaining("pem block 1 is a PrivateKeyInfo, not a certificate");
    assertThatThrownBy(() -> PemCodec.decodeCertificate(PemCodec.encodeCertificates(List.of(cert, cert))))
        .hasMessageContaining("expected one pem certificate, found 2");
    assertThatThrownBy(() -> PemCodec.decodePrivateKey(keyPem + keyPem)).hasMessageContaining("found 2 blocks");
    assertThatThrownBy(() -> PemCodec.decodePrivateKey(PemCodec.encodeCertificate(cert)))
        .hasMessageContaining("not an unencrypted private key");
    assertThatThrownBy(() -> PemCodec.decodePublicKey(keyPem)).hasMessageContaining("not a public key");
  }

  @Test
  void rejectsEncryptedKeys() throws IOException {
    KeyPair pair = KeyType.EC_P256.generate();
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(pair.getPrivate(), new org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
          .build("secret".toCharArray()));
    }
    assertThatThrownBy(() -> PemCodec.decodePrivateKey(out.toString()))
        .hasMessageContaining("PEMEncryptedKeyPair, not an unencrypted private key");
  }

  private static byte[] sec1(KeyPair pair, boolean withCurve) throws IOException {
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded());
    ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
    var publicBits = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData();
    int bits = ((java.security.interfaces.ECPrivateKey) pair.getPrivate()).getParams().getOrder().bitLength();
    return new ECPrivateKey(bits, inner.getKey(), publicBits,
        withCurve ? info.getPrivateKeyAlgorithm().getParameters() : null).getEncoded();
  }

  private static java.math.BigInteger scalar(java.security.PrivateKey key) {
    java.security.interfaces.ECPrivateKey ec = (java.security.interfaces.ECPrivateKey) key;
    assertThat(ec.getParams().getCurve()).isNotNull();
    return ec.getS();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
