package dev.signet.attestors.node.awsiid;

import dev.signet.common.bundle.PemCodec;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * A stand-in for AWS's per-region signing identity: an RSA-2048 key with a self-signed certificate shaped like
 * AWS's, producing real PKCS#7 SignedData over real-shaped instance identity documents, base64 with line
 * breaks as IMDS serves them.
 */
final class TestAwsSigner {
  final KeyPair key;
  final X509Certificate certificate;
  private final BigInteger serial;

  private TestAwsSigner(KeyPair key, BigInteger serial) {
    this.key = key;
    this.serial = serial;
    this.certificate = certificate(key, serial);
  }

  private TestAwsSigner(KeyPair key, X509Certificate certificate) {
    this.key = key;
    this.serial = certificate.getSerialNumber();
    this.certificate = certificate;
  }

  static TestAwsSigner create() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      KeyPair key = generator.generateKeyPair();
      return new TestAwsSigner(key, new BigInteger(63, new java.security.SecureRandom()));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Another certificate for the same key (same issuer name, another serial number). */
  TestAwsSigner withOtherCertificate() {
    return new TestAwsSigner(key, serial.add(BigInteger.ONE));
  }

  /** This key, naming {@code other}'s certificate as the signer (as a forger would). */
  TestAwsSigner claimingCertificateOf(TestAwsSigner other) {
    return new TestAwsSigner(key, other.certificate);
  }

  String certificatePem() {
    return PemCodec.encodeCertificate(certificate);
  }

  static String document(String accountId, String region, String instanceId) {
    return """
        {
          "accountId" : "%s",
          "architecture" : "x86_64",
          "availabilityZone" : "%sa",
          "billingProducts" : null,
          "devpayProductCodes" : null,
          "marketplaceProductCodes" : null,
          "imageId" : "ami-0abcdef1234567890",
          "instanceId" : "%s",
          "instanceType" : "t3.micro",
          "kernelId" : null,
          "pendingTime" : "2026-11-25T12:00:00Z",
          "privateIp" : "10.0.1.17",
          "ramdiskId" : null,
          "region" : "%s",
          "version" : "2017-09-30"
        }""".formatted(accountId, region, instanceId, region);
  }

  /** What IMDS serves at {@code /rsa2048}: the document encapsulated and signed by this key. */
  String sign(String document) {
    return sign(document, true, List.of(this));
  }

  String signDetached(String document) {
    return sign(document, false, List.of(this));
  }

  /** Signed by this key, but declaring its encapsulated content of type {@code contentType} instead of data. */
  String signAs(String document, String contentType) {
    return sign(new CMSProcessableByteArray(new org.bouncycastle.asn1.ASN1ObjectIdentifier(contentType),
        document.getBytes(StandardCharsets.UTF_8)), true, List.of(this));
  }

  /** A SignedData with one signer per element of {@code signers}. */
  static String sign(String document, boolean encapsulate, List<TestAwsSigner> signers) {
    return sign(new CMSProcessableByteArray(document.getBytes(StandardCharsets.UTF_8)), encapsulate, signers);
  }

  private static String sign(CMSProcessableByteArray content, boolean encapsulate, List<TestAwsSigner> signers) {
    try {
      CMSSignedDataGenerator generator = new CMSSignedDataGenerator();
      for (TestAwsSigner signer : signers) {
        generator.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
            .build(new JcaContentSignerBuilder("SHA256withRSA").build(signer.key.getPrivate()), signer.certificate));
      }
      CMSSignedData signed = generator.generate(content, encapsulate);
      return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(signed.getEncoded());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The legacy RSA-1024-style signature: base64 PKCS#1 v1.5 SHA-256 over the document (only carried along). */
  String legacySignature(String document) {
    try {
      java.security.Signature signature = java.security.Signature.getInstance("SHA256withRSA");
      signature.initSign(key.getPrivate());
      signature.update(document.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signature.sign());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate(KeyPair key, BigInteger serial) {
    try {
      X500Principal name = new X500Principal("C=US, ST=Washington State, L=Seattle, O=Amazon Web Services LLC (test)");
      Instant now = Instant.now();
      var builder = new JcaX509v3CertificateBuilder(name, serial, Date.from(now.minus(1, ChronoUnit.DAYS)),
          Date.from(now.plus(3650, ChronoUnit.DAYS)), name, key.getPublic());
      return new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
