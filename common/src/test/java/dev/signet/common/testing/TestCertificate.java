package dev.signet.common.testing;

import dev.signet.common.crypto.KeyType;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates with exactly the shape a test needs, including shapes the spec forbids. Start from
 * {@link #ca} or {@link #leaf} and change one thing.
 */
public final class TestCertificate {
  public static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final AtomicLong SERIAL = new AtomicLong(1);

  /** A certificate and its key pair. */
  public record Issued(X509Certificate certificate, KeyPair keyPair) {}

  private KeyPair keyPair = KeyType.EC_P256.generate();
  private String subject = "O=Signet Test";
  private Issued issuer;
  private final List<String> uris = new ArrayList<>();
  private final List<String> dnsNames = new ArrayList<>();
  private Boolean ca;
  private Integer keyUsage;
  private Instant notBefore = NOW.minusSeconds(3600);
  private Instant notAfter = NOW.plusSeconds(3600);

  private TestCertificate() {}

  /** A self-signed root CA for {@code spiffe://<trustDomain>}: CA, keyCertSign|cRLSign. */
  public static TestCertificate ca(String trustDomain) {
    TestCertificate b = new TestCertificate();
    b.subject = "O=" + trustDomain + ",CN=ca-" + SERIAL.get();
    b.uris.add("spiffe://" + trustDomain);
    b.ca = true;
    b.keyUsage = KeyUsage.keyCertSign | KeyUsage.cRLSign;
    return b;
  }

  /** A leaf X509-SVID with the given ID: not CA, digitalSignature, signed by {@code issuer}. */
  public static TestCertificate leaf(String spiffeId, Issued issuer) {
    TestCertificate b = new TestCertificate();
    b.subject = "O=SPIRE,CN=leaf-" + SERIAL.get();
    b.uris.add(spiffeId);
    b.ca = false;
    b.keyUsage = KeyUsage.digitalSignature | KeyUsage.keyEncipherment | KeyUsage.keyAgreement;
    b.issuer = issuer;
    return b;
  }

  public TestCertificate keyType(KeyType type) {
    keyPair = type.generate();
    return this;
  }

  /** An RFC 4514 subject such as {@code O=x,CN=y}. */
  public TestCertificate subject(String value) {
    subject = value;
    return this;
  }

  /** Signs with this existing key pair instead of a fresh one. */
  public TestCertificate keyPair(KeyPair value) {
    keyPair = value;
    return this;
  }

  public TestCertificate issuer(Issued value) {
    issuer = value;
    return this;
  }

  public TestCertificate uris(String... values) {
    uris.clear();
    uris.addAll(List.of(values));
    return this;
  }

  public TestCertificate dnsNames(String... values) {
    dnsNames.addAll(List.of(values));
    return this;
  }

  /** {@code null} leaves out the basic constraints extension. */
  public TestCertificate caFlag(Boolean value) {
    ca = value;
    return this;
  }

  /** Bits from BouncyCastle's {@link KeyUsage}; {@code null} leaves the extension out. */
  public TestCertificate keyUsage(Integer bits) {
    keyUsage = bits;
    return this;
  }

  public TestCertificate validity(Instant from, Instant to) {
    notBefore = from;
    notAfter = to;
    return this;
  }

  public Issued issue() {
    try {
      X500Name name = new X500Name(subject);
      KeyPair signer = issuer == null ? keyPair : issuer.keyPair();
      X500Name issuerName = issuer == null ? name
          : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName,
          BigInteger.valueOf(SERIAL.getAndIncrement()), Date.from(notBefore), Date.from(notAfter), name,
          keyPair.getPublic());
      List<GeneralName> names = new ArrayList<>();
      uris.forEach(u -> names.add(new GeneralName(GeneralName.uniformResourceIdentifier, u)));
      dnsNames.forEach(d -> names.add(new GeneralName(GeneralName.dNSName, d)));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      if (ca != null) {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      }
      if (keyUsage != null) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
      }
      String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      var holder = builder.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate()));
      return new Issued(new JcaX509CertificateConverter().getCertificate(holder), keyPair);
    } catch (CertIOException | OperatorCreationException | CertificateException e) {
      throw new IllegalStateException("test certificate " + subject + " could not be issued", e);
    }
  }
}
