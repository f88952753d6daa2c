package dev.signet.agent.helper;

import dev.signet.proto.workload.X509SVID;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes what the Workload API sends in an {@link X509SVID}: concatenated DER certificates and a PKCS#8 key.
 * The one decoder behind {@code api fetch x509 -write} and {@code helper}.
 */
public final class X509Material {
  private X509Material() {}

  /** The certificates of concatenated DER {@code der}, in order. */
  public static List<X509Certificate> certificates(byte[] der) throws GeneralSecurityException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(der))) {
      certificates.add((X509Certificate) certificate);
    }
    return certificates;
  }

  /** The SVID's private key (EC or RSA PKCS#8). */
  public static PrivateKey privateKey(X509SVID svid) throws GeneralSecurityException {
    byte[] pkcs8 = svid.getX509SvidKey().toByteArray();
    GeneralSecurityException last = null;
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw new GeneralSecurityException("the private key of \"" + svid.getSpiffeId() + "\" is neither EC nor RSA", last);
  }
}
