package dev.signet.common.bundle;

import java.io.IOException;
import java.io.StringReader;
import java.security.Key;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.cert.X509CertificateHolder;

/**
 * PEM reading and writing for certificates and keys. Private keys are written as PKCS#8
 * ({@code PRIVATE KEY}); reading also accepts SEC1 ({@code EC PRIVATE KEY}, optionally after an
 * {@code EC PARAMETERS} block) and PKCS#1 ({@code RSA PRIVATE KEY}), as SPIRE's disk key manager and
 * openssl produce them. Encrypted keys are refused: nothing in SPIRE's config carries a passphrase.
 */
public final class PemCodec {
  private PemCodec() {}

  /** Every certificate in the text, in order; any other block, or none at all, is an error. */
  public static List<X509Certificate> decodeCertificates(String pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object block : blocks(pem, "certificate")) {
      if (!(block instanceof X509CertificateHolder holder)) {
        throw new BundleFormatException("pem block " + certificates.size() + " is a " + describe(block)
            + ", not a certificate");
      }
      try {
        certificates.add(DerCodec.parseCertificate(holder.getEncoded()));
      } catch (IOException e) {
        throw new BundleFormatException("pem certificate " + certificates.size() + " cannot be re-encoded", e);
      }
    }
    return List.copyOf(certificates);
  }

  /** Exactly one certificate. */
  public static X509Certificate decodeCertificate(String pem) {
    List<X509Certificate> certificates = decodeCertificates(pem);
    if (certificates.size() != 1) {
      throw new BundleFormatException("expected one pem certificate, found " + certificates.size());
    }
    return certificates.getFirst();
  }

  /** Exactly one private key, PKCS#8, SEC1 or PKCS#1. */
  public static PrivateKey decodePrivateKey(String pem) {
    List<Object> blocks = blocks(pem, "private key");
    ASN1ObjectIdentifier namedCurve = blocks.stream().filter(ASN1ObjectIdentifier.class::isInstance)
        .map(ASN1ObjectIdentifier.class::cast).findFirst().orElse(null);
    Object block = single(blocks.stream()
        .filter(b -> !(b instanceof ASN1ObjectIdentifier || b instanceof X9ECParameters)).toList(), "private key");
    try {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      return switch (block) {
        case PrivateKeyInfo info -> converter.getPrivateKey(info);
        case PEMKeyPair pair -> converter.getPrivateKey(withCurve(pair.getPrivateKeyInfo(), namedCurve));
        default -> throw new BundleFormatException("pem block is a " + describe(block) + ", not an unencrypted private key");
      };
    } catch (IOException e) {
      throw new BundleFormatException("pem private key is unusable: " + e.getMessage(), e);
    }
  }

  /** A SEC1 key may leave its curve to a preceding {@code EC PARAMETERS} block; the JDK needs it inline. */
  private static PrivateKeyInfo withCurve(PrivateKeyInfo info, ASN1ObjectIdentifier namedCurve) throws IOException {
    AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
    boolean noCurve = algorithm.getParameters() == null || algorithm.getParameters() instanceof ASN1Null;
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm()) || !noCurve) {
      return info;
    }
    if (namedCurve == null) {
      throw new BundleFormatException("pem ec private key names no curve (and no EC PARAMETERS block precedes it)");
    }
    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, namedCurve),
        info.parsePrivateKey());
  }

  /** Exactly one public key ({@code PUBLIC KEY}, or {@code RSA PUBLIC KEY}). */
  public static PublicKey decodePublicKey(String pem) {
    Object block = single(blocks(pem, "public key"), "public key");
    if (!(block instanceof SubjectPublicKeyInfo info)) {
      throw new BundleFormatException("pem block is a " + describe(block) + ", not a public key");
    }
    try {
      return new JcaPEMKeyConverter().getPublicKey(info);
    } catch (IOException e) {
      throw new BundleFormatException("pem public key is unusable: " + e.getMessage(), e);
    }
  }

  /** {@code CERTIFICATE} blocks, in order. */
  public static String encodeCertificates(Collection<X509Certificate> certificates) {
    StringBuilder out = new StringBuilder();
    certificates.forEach(c -> out.append(block("CERTIFICATE", DerCodec.encoded(c))));
    return out.toString();
  }

  /** One {@code CERTIFICATE} block. */
  public static String encodeCertificate(X509Certificate certificate) {
    return block("CERTIFICATE", DerCodec.encoded(certificate));
  }

  /** A PKCS#8 {@code PRIVATE KEY} block. */
  public static String encodePrivateKey(PrivateKey key) {
    return block("PRIVATE KEY", encoded(key, "PKCS#8"));
  }

  /** A {@code PUBLIC KEY} (SubjectPublicKeyInfo) block. */
  public static String encodePublicKey(PublicKey key) {
    return block("PUBLIC KEY", encoded(key, "X.509"));
  }

  private static String block(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static byte[] encoded(Key key, String format) {
    if (!format.equals(key.getFormat()) || key.getEncoded() == null) {
      throw new IllegalArgumentException("a " + key.getAlgorithm() + " key in format " + key.getFormat()
          + " cannot be written as " + format);
    }
    return key.getEncoded();
  }

  private static List<Object> blocks(String pem, String what) {
    List<Object> blocks = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem == null ? "" : pem))) {
      for (Object block = parser.readObject(); block != null; block = parser.readObject()) {
        blocks.add(block);
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new BundleFormatException("pem " + what + " is malformed: " + e.getMessage(), e);
    }
    if (blocks.isEmpty()) {
      throw new BundleFormatException("no pem " + what + " found");
    }
    return blocks;
  }

  private static Object single(List<Object> blocks, String what) {
    if (blocks.size() != 1) {
      throw new BundleFormatException("expected one pem " + what + ", found " + blocks.size() + " blocks");
    }
    return blocks.getFirst();
  }

  private static String describe(Object block) {
    return block.getClass().getSimpleName();
  }
}
