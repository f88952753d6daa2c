package dev.signet.ca.x509;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.KeyType;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.CertificationRequest;
import org.bouncycastle.asn1.pkcs.CertificationRequestInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CsrParserTest {
  @ParameterizedTest
  @EnumSource(KeyType.class)
  void aValidCsrYieldsItsKeyAndRequestedNames(KeyType type) throws Exception {
    KeyPair key = type.generate();
    ParsedCsr csr = CsrParser.parse(TestCsr.forKey(key).uri("spiffe://example.org/w").dns("w.example.org").der());

    assertThat(csr.publicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(csr.requestsCa()).isFalse();
    assertThat(csr.uriSans()).containsExactly("spiffe://example.org/w");
    assertThat(csr.dnsSans()).containsExactly("w.example.org");
  }

  @Test
  void aCsrWithoutExtensionsHasNoNames() throws Exception {
    ParsedCsr csr = CsrParser.parse(TestCsr.forKey(KeyType.EC_P256.generate()).der());
    assertThat(csr.uriSans()).isEmpty();
    assertThat(csr.dnsSans()).isEmpty();
  }

  @Test
  void aCsrSignedByAnotherKeyIsRefused() {
    byte[] der = TestCsr.forKey(KeyType.EC_P256.generate()).signedBy(KeyType.EC_P256.generate()).der();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void aCsrWithATamperedSignatureIsRefused() {
    byte[] der = TestCsr.forKey(KeyType.EC_P256.generate()).uri("spiffe://example.org/w").der();
    der[der.length - 5] ^= 0x01;
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class);
  }

  /** Found by CsrParserFuzzTest: BouncyCastle threw IllegalStateException, which escaped as an internal error. */
  @Test
  void aPublicKeyBitStringWithUnusedBitsIsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair key = generator.generateKeyPair();
    CertificationRequest valid = CertificationRequest.getInstance(TestCsr.forKey(key).der());
    CertificationRequestInfo info = valid.getCertificationRequestInfo();
    SubjectPublicKeyInfo padded = new SubjectPublicKeyInfo(info.getSubjectPublicKeyInfo().getAlgorithm(),
        new DERBitString(info.getSubjectPublicKeyInfo().getPublicKeyData().getBytes(), 2));
    byte[] der = new CertificationRequest(new CertificationRequestInfo(info.getSubject(), padded,
        info.getAttributes()), valid.getSignatureAlgorithm(), valid.getSignature()).getEncoded();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("public key is malformed");
  }

  /** The same for the signature's BIT STRING, read after the key checks. */
  @Test
  void aSignatureBitStringWithUnusedBitsIsRefused() throws Exception {
    CertificationRequest valid = CertificationRequest.getInstance(
        TestCsr.forKey(KeyType.EC_P256.generate()).uri("spiffe://example.org/w").der());
    byte[] der = new CertificationRequest(valid.getCertificationRequestInfo(), valid.getSignatureAlgorithm(),
        new DERBitString(valid.getSignature().getBytes(), 3)).getEncoded();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void aCsrWithATamperedBodyIsRefused() {
    byte[] der = TestCsr.forKey(KeyType.EC_P256.generate()).uri("spiffe://example.org/aaaa").der();
    String text = new String(der, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = text.indexOf("aaaa");
    der[at] = 'b';
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void aCaRequestIsReported() throws Exception {
    assertThat(CsrParser.parse(TestCsr.forKey(KeyType.EC_P256.generate()).ca(true).der()).requestsCa()).isTrue();
    assertThat(CsrParser.parse(TestCsr.forKey(KeyType.EC_P256.generate()).ca(false).der()).requestsCa()).isFalse();
  }

  @Test
  void aWeakRsaKeyIsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(1024);
    byte[] der = TestCsr.forKey(generator.generateKeyPair()).der();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("1024 bits");
  }

  @Test
  void aKeyOnAnotherCurveIsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp521r1"));
    byte[] der = TestCsr.forKey(generator.generateKeyPair()).der();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("curve");
  }

  @Test
  void anEd25519KeyIsRefused() throws Exception {
    KeyPair key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    var builder = new org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder(
        new org.bouncycastle.asn1.x500.X500Name("O=Test"), key.getPublic());
    byte[] der = builder.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("Ed25519")
        .build(key.getPrivate())).getEncoded();
    assertThatThrownBy(() -> CsrParser.parse(der)).isInstanceOf(InvalidCsrException.class)
        .hasMessageContaining("not supported");
  }

  @Test
  void garbageAndEmptyInputAreRefused() {
    assertThatThrownBy(() -> CsrParser.parse(new byte[0])).isInstanceOf(InvalidCsrException.class);
    assertThatThrownBy(() -> CsrParser.parse(null)).isInstanceOf(InvalidCsrException.class);
    assertThatThrownBy(() -> CsrParser.parse(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}))
        .isInstanceOf(InvalidCsrException.class);
    assertThatThrownBy(() -> CsrParser.parse("not a csr".getBytes())).isInstanceOf(InvalidCsrException.class);
  }

  /** The P-256 fast path refuses every malformed ECDSA-Sig-Value with InvalidCsrException, never another exception. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "3006040101040101", // SEQUENCE of two OCTET STRINGs
      "300602010102010", // truncated
      "3007020200010201 01", // non-minimal INTEGER
      "3006020100020101", // r = 0
      "30060201ff020101", // r negative
      "3006020101020101 00", // trailing byte
      "3003020101", // one INTEGER
      "02020101", // not a SEQUENCE
      "", // empty
      "3026020101022100ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"}) // s = n
  void malformedP256SignaturesAreRefused(String signatureHex) throws Exception {
    byte[] valid = TestCsr.forKey(KeyType.EC_P256.generate()).uri("spiffe://example.org/w").der();
    org.bouncycastle.asn1.pkcs.CertificationRequest request =
        org.bouncycastle.asn1.pkcs.CertificationRequest.getInstance(valid);
    String hex = signatureHex.replace(" ", "");
    byte[] signature = hex.length() % 2 == 0 ? java.util.HexFormat.of().parseHex(hex)
        : java.util.HexFormat.of().parseHex(hex + "0");
    byte[] forged = new org.bouncycastle.asn1.pkcs.CertificationRequest(request.getCertificationRequestInfo(),
        request.getSignatureAlgorithm(), new org.bouncycastle.asn1.DERBitString(signature)).getEncoded("DER");
    assertThatThrownBy(() -> CsrParser.parse(forged)).isInstanceOf(InvalidCsrException.class);
  }

  /** RSASSA-PSS CSRs verify on either provider; PSS over SHA-1 is refused like every SHA-1 signature. */
  @ParameterizedTest
  @EnumSource(value = dev.signet.common.crypto.CryptoProviderMode.class, names = {"ACCP", "BOUNCYCASTLE"})
  void pssCsrsVerifyOnEitherProviderButNotOverSha1(dev.signet.common.crypto.CryptoProviderMode mode) throws Exception {
    dev.signet.common.crypto.CryptoProviders.install(mode);
    try {
      KeyPair rsa = KeyType.RSA_2048.generate();
      assertThat(CsrParser.parse(TestCsr.forKey(rsa).algorithm("SHA256withRSAandMGF1").der()).publicKey().getEncoded())
          .isEqualTo(rsa.getPublic().getEncoded());
      assertThat(CsrParser.parse(TestCsr.forKey(rsa).algorithm("SHA384withRSAandMGF1").der()).publicKey().getEncoded())
          .isEqualTo(rsa.getPublic().getEncoded());
      assertThatThrownBy(() -> CsrParser.parse(TestCsr.forKey(rsa).algorithm("SHA1withRSAandMGF1").der()))
          .isInstanceOf(InvalidCsrException.class).hasMessageContaining("not allowed");
      byte[] other = TestCsr.forKey(rsa).signedBy(KeyType.RSA_2048.generate()).algorithm("SHA256withRSAandMGF1").der();
      assertThatThrownBy(() -> CsrParser.parse(other)).isInstanceOf(InvalidCsrException.class);
    } finally {
      dev.signet.common.crypto.CryptoProviders.install(dev.signet.common.crypto.CryptoProviderMode.AUTO);
    }
  }
}
