package dev.signet.ca.x509;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import dev.signet.ca.ecverify.P256Verifier;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.StandardDSAEncoding;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import dev.signet.ca.CaProviders;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Parses and verifies PKCS#10 CSRs (DER). Refused: anything malformed, a signature that does not verify
 * under the CSR's own key (proof of possession), signature algorithms outside the SHA-2 ECDSA/RSA allow-list
 * (no MD5 or SHA-1), RSA keys under 2048 bits, EC keys on curves other than P-256 and P-384, and any other
 * key algorithm. A CA:true request is reported, not refused here: the caller decides.
 *
 * <p>Verification: SHA-256 with ECDSA on P-256, what nearly every agent sends, goes to {@link P256Verifier}
 * (our own in-place arithmetic, 1.2–1.3 times BouncyCastle's speed and a twelfth of its allocation; CSR
 * verification is over half the cost of an issuance). Every other allowed algorithm runs on BouncyCastle's
 * provider, whose ECDSA verify is several times faster than the JDK's (DESIGN §4).
 */
public final class CsrParser {
  private static final BouncyCastleProvider BC = CaProviders.BOUNCY_CASTLE;
  private static final int MIN_RSA_BITS = 2048;
  private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(SECObjectIdentifiers.secp256r1,
      SECObjectIdentifiers.secp384r1);
  private static final Set<ASN1ObjectIdentifier> SIGNATURES = Set.of(X9ObjectIdentifiers.ecdsa_with_SHA256,
      X9ObjectIdentifiers.ecdsa_with_SHA384, X9ObjectIdentifiers.ecdsa_with_SHA512,
      PKCSObjectIdentifiers.sha256WithRSAEncryption, PKCSObjectIdentifiers.sha384WithRSAEncryption,
      PKCSObjectIdentifiers.sha512WithRSAEncryption, PKCSObjectIdentifiers.id_RSASSA_PSS);

  private static final Map<ASN1ObjectIdentifier, String> SIGNATURE_NAMES = Map.of(
      X9ObjectIdentifiers.ecdsa_with_SHA256, "SHA256withECDSA", X9ObjectIdentifiers.ecdsa_with_SHA384, "SHA384withECDSA",
      X9ObjectIdentifiers.ecdsa_with_SHA512, "SHA512withECDSA", PKCSObjectIdentifiers.sha256WithRSAEncryption,
      "SHA256withRSA", PKCSObjectIdentifiers.sha384WithRSAEncryption, "SHA384withRSA",
      PKCSObjectIdentifiers.sha512WithRSAEncryption, "SHA512withRSA");
  // Signature and KeyFactory objects are not thread-safe; creating them per call costs more than verifying.
  private static final ThreadLocal<Map<ASN1ObjectIdentifier, Signature>> VERIFIERS =
      ThreadLocal.withInitial(HashMap::new);
  private static final BigInteger P256_ORDER = CustomNamedCurves.getByName("secp256r1").getN();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(CsrParser::sha256);
  private static final ThreadLocal<KeyFactory> EC_KEYS = ThreadLocal.withInitial(() -> keyFactory("EC"));
  private static final ThreadLocal<KeyFactory> RSA_KEYS = ThreadLocal.withInitial(() -> keyFactory("RSA"));

  private CsrParser() {}

  private static KeyFactory keyFactory(String algorithm) {
    try {
      // BouncyCastle's own keys name its shared curve objects, so its verifier keeps the curve's
      // precomputed tables instead of rebuilding them for every CSR.
      return KeyFactory.getInstance(algorithm, BC);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("bouncycastle lacks " + algorithm + " keys", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  /** Parses and verifies a DER CSR. */
  public static ParsedCsr parse(byte[] der) throws InvalidCsrException {
    if (der == null || der.length == 0) {
      throw new InvalidCsrException("csr is empty");
    }
    PKCS10CertificationRequest csr;
    Extensions extensions;
    try {
      csr = new PKCS10CertificationRequest(der);
      extensions = csr.getRequestedExtensions();
    } catch (IOException | IllegalArgumentException | IllegalStateException | ClassCastException e) {
      throw new InvalidCsrException("csr is not a valid PKCS#10 request: " + e.getMessage(), e);
    }
    SubjectPublicKeyInfo keyInfo = csr.getSubjectPublicKeyInfo();
    checkKeyStrength(keyInfo);
    PublicKey key = publicKey(keyInfo);
    checkSignature(csr, key);
    return new ParsedCsr(key, requestsCa(extensions), names(extensions, GeneralName.uniformResourceIdentifier),
        names(extensions, GeneralName.dNSName));
  }

  private static void checkKeyStrength(SubjectPublicKeyInfo keyInfo) throws InvalidCsrException {
    AlgorithmIdentifier algorithm = keyInfo.getAlgorithm();
    try {
      if (algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.rsaEncryption)) {
        BigInteger modulus = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(keyInfo.parsePublicKey()).getModulus();
        if (modulus.bitLength() < MIN_RSA_BITS) {
          throw new InvalidCsrException("csr rsa key has " + modulus.bitLength() + " bits; at least " + MIN_RSA_BITS
              + " are required");
        }
      } else if (algorithm.getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)) {
        if (!(algorithm.getParameters() instanceof ASN1ObjectIdentifier curve) || !CURVES.contains(curve)) {
          throw new InvalidCsrException("csr ec key is on curve " + algorithm.getParameters()
              + "; only P-256 (1.2.840.10045.3.1.7) and P-384 (1.3.132.0.34) are accepted");
        }
      } else {
        throw new InvalidCsrException("csr key algorithm " + algorithm.getAlgorithm() + " is not supported (ec or rsa)");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidCsrException("csr public key is malformed: " + e.getMessage(), e);
    }
  }

  private static void checkSignature(PKCS10CertificationRequest csr, PublicKey key) throws InvalidCsrException {
    ASN1ObjectIdentifier algorithm = csr.getSignatureAlgorithm().getAlgorithm();
    if (!SIGNATURES.contains(algorithm)) {
      throw new InvalidCsrException("csr signature algorithm " + algorithm + " is not allowed");
    }
    try {
      boolean valid;
      if (algorithm.equals(X9ObjectIdentifiers.ecdsa_with_SHA256) && isP256(key)) {
        valid = verifyP256(csr, (ECPublicKey) key);
      } else if (algorithm.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
        valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder().setProvider(BC).build(key));
      } else {
        Signature verifier = VERIFIERS.get().computeIfAbsent(algorithm, CsrParser::newVerifier);
        verifier.initVerify(key);
        verifier.update(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
        valid = verifier.verify(csr.getSignature());
      }
      if (!valid) {
        throw new InvalidCsrException("csr signature does not verify with its own public key");
      }
    } catch (OperatorCreationException | PKCSException | GeneralSecurityException | IOException
        | IllegalArgumentException e) {
      throw new InvalidCsrException("csr signature cannot be verified: " + e.getMessage(), e);
    }
  }

  private static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() == 256
        && ec.getParams().getOrder().equals(P256_ORDER);
  }

  /** SHA-256 with ECDSA on P-256, the signature of nearly every CSR, by {@link P256Verifier}. */
  private static boolean verifyP256(PKCS10CertificationRequest csr, ECPublicKey key)
      throws IOException, InvalidCsrException {
    BigInteger[] rs;
    try {
      rs = StandardDSAEncoding.INSTANCE.decode(P256_ORDER, csr.getSignature());
    } catch (RuntimeException e) { // BouncyCastle throws ClassCastException for a SEQUENCE of non-INTEGERs
      throw new InvalidCsrException("csr signature is not a DER ECDSA-Sig-Value: " + e.getMessage(), e);
    }
    MessageDigest sha256 = SHA256.get();
    byte[] digest = sha256.digest(csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER));
    return P256Verifier.verify(digest, rs[0], rs[1], key.getW().getAffineX(), key.getW().getAffineY());
  }

  /** A BouncyCastle verifier for an allowed signature algorithm; one per thread and algorithm is reused. */
  private static Signature newVerifier(ASN1ObjectIdentifier algorithm) {
    String name = SIGNATURE_NAMES.get(algorithm);
    try {
      return Signature.getInstance(name, BC);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("bouncycastle lacks " + name, e);
    }
  }

  private static PublicKey publicKey(SubjectPublicKeyInfo keyInfo) throws InvalidCsrException {
    boolean ec = keyInfo.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey);
    try {
      KeyFactory factory = (ec ? EC_KEYS : RSA_KEYS).get();
      return factory.generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded(ASN1Encoding.DER)));
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidCsrException("csr public key is unusable: " + e.getMessage(), e);
    }
  }

  private static boolean requestsCa(Extensions extensions) throws InvalidCsrException {
    Extension extension = extensions == null ? null : extensions.getExtension(Extension.basicConstraints);
    try {
      return extension != null && BasicConstraints.getInstance(extension.getParsedValue()).isCA();
    } catch (IllegalArgumentException e) {
      throw new InvalidCsrException("csr basic constraints are malformed: " + e.getMessage(), e);
    }
  }

  private static List<String> names(Extensions extensions, int tag) throws InvalidCsrException {
    List<String> names = new ArrayList<>();
    try {
      GeneralNames all = extensions == null ? null : GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
      if (all != null) {
        for (GeneralName name : all.getNames()) {
          if (name.getTagNo() == tag) {
            names.add(name.getName().toString());
          }
        }
      }
    } catch (IllegalArgumentException e) {
      throw new InvalidCsrException("csr subject alternative names are malformed: " + e.getMessage(), e);
    }
    return names;
  }
}
