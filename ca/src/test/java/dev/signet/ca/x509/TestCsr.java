package dev.signet.ca.x509;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Builds PKCS#10 CSRs for tests, including badly signed ones. */
final class TestCsr {
  private final KeyPair subjectKey;
  private KeyPair signingKey;
  private final List<GeneralName> names = new ArrayList<>();
  private Boolean ca;

  private TestCsr(KeyPair key) {
    this.subjectKey = key;
    this.signingKey = key;
  }

  static TestCsr forKey(KeyPair key) {
    return new TestCsr(key);
  }

  TestCsr signedBy(KeyPair other) {
    signingKey = other;
    return this;
  }

  TestCsr uri(String uri) {
    names.add(new GeneralName(GeneralName.uniformResourceIdentifier, uri));
    return this;
  }

  private String algorithm;

  TestCsr dns(String dns) {
    names.add(new GeneralName(GeneralName.dNSName, dns));
    return this;
  }

  /** Signs with this JCA algorithm on BouncyCastle (e.g. SHA256withRSAandMGF1 for RSASSA-PSS). */
  TestCsr algorithm(String name) {
    algorithm = name;
    return this;
  }

  TestCsr ca(boolean value) {
    ca = value;
    return this;
  }

  byte[] der() {
    try {
      var builder = new JcaPKCS10CertificationRequestBuilder(new X500Name("O=Test"), subjectKey.getPublic());
      ExtensionsGenerator extensions = new ExtensionsGenerator();
      if (!names.isEmpty()) {
        extensions.addExtension(Extension.subjectAlternativeName, false,
            new GeneralNames(names.toArray(GeneralName[]::new)));
      }
      if (ca != null) {
        extensions.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      }
      if (!extensions.isEmpty()) {
        builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      }
      if (algorithm != null) {
        return builder.build(new JcaContentSignerBuilder(algorithm)
            .setProvider(dev.signet.common.crypto.CryptoProviders.bouncyCastle()).build(signingKey.getPrivate()))
            .getEncoded();
      }
      String name = signingKey.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return builder.build(new JcaContentSignerBuilder(name).build(signingKey.getPrivate())).getEncoded();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
