package dev.signet.ca.x509;

import dev.signet.ca.crypto.JcaCache;
import dev.signet.common.crypto.CryptoProviders;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Parses and verifies PKCS#10 CSRs (DER). Refused: anything malformed, a signature that does not verify
 * under the CSR's own key (proof of possession), signature algorithms outside the SHA-2 ECDSA/RSA allow-list
 * (no MD5 or SHA-1), RSA keys under 2048 bits, EC keys on curves other than P-256 and P-384, and any other
 * key algorithm. A CA:true request is reported, not refused here: the caller decides.
 *
 * <p>Security decision: signatures are verified by the JCA provider {@link CryptoProviders} chose (Amazon
 * Corretto Crypto Provider, else BouncyCastle), never by arithmetic of our own; {@link #verify} is the one
 * verification path, and the Wycheproof known-answer tests run against it. The provider must reject every
 * malformed ECDSA-Sig-Value (BER instead of DER, r or s out of range, trailing bytes); those tests prove it.
 */
public final class CsrParser {
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
  private static final Map<ASN1ObjectIdentifier, String> PSS_HASHES = Map.of(NISTObjectIdentifiers.id_sha256,
      "SHA-256", NISTObjectIdentifiers.id_sha384, "SHA-384", NISTObjectIdentifiers.id_sha512, "SHA-512");

  private CsrParser() {}

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
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      // IllegalStateException: BouncyCastle's answer to a key BIT STRING with unused bits (found by fuzzing)
      throw new InvalidCsrException("csr public key is malformed: " + e.getMessage(), e);
    }
  }

  private static void checkSignature(PKCS10CertificationRequest csr, PublicKey key) throws InvalidCsrException {
    AlgorithmIdentifier algorithm = csr.getSignatureAlgorithm();
    if (!SIGNATURES.contains(algorithm.getAlgorithm())) {
      throw new InvalidCsrException("csr signature algorithm " + algorithm.getAlgorithm() + " is not allowed");
    }
    boolean valid;
    try {
      valid = verify(algorithm, key, csr.toASN1Structure().getCertificationRequestInfo().getEncoded(ASN1Encoding.DER),
          csr.getSignature());
    } catch (GeneralSecurityException | IOException | IllegalArgumentException | IllegalStateException e) {
      // IllegalStateException: a signature BIT STRING with unused bits (see checkKeyStrength)
      throw new InvalidCsrException("csr signature cannot be verified: " + e.getMessage(), e);
    }
    if (!valid) {
      throw new InvalidCsrException("csr signature does not verify with its own public key");
    }
  }

  /**
   * Verifies {@code signature} (a DER ECDSA-Sig-Value, PKCS#1 v1.5 or PSS) over {@code data} with an allowed
   * signature algorithm, on the chosen provider: the one verification path for CSRs.
   *
   * @return whether it verifies; a malformed signature gives false or a {@link GeneralSecurityException}
   */
  static boolean verify(AlgorithmIdentifier algorithm, PublicKey key, byte[] data, byte[] signature)
      throws GeneralSecurityException {
    String name = SIGNATURE_NAMES.get(algorithm.getAlgorithm());
    if (name != null) {
      Signature verifier = JcaCache.signature(name);
      verifier.initVerify(key);
      verifier.update(data);
      return verifier.verify(signature);
    }
    if (!algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      throw new GeneralSecurityException("signature algorithm " + algorithm.getAlgorithm() + " is not allowed");
    }
    Signature verifier = JcaCache.signature("RSASSA-PSS");
    verifier.initVerify(key);
    verifier.setParameter(pssParameters(algorithm));
    verifier.update(data);
    return verifier.verify(signature);
  }

  /**
   * The PSS parameters a CSR names (RFC 4055): hash and MGF1 hash from the SHA-2 allow-list (so no SHA-1
   * default), the salt length, trailer field 1.
   */
  private static PSSParameterSpec pssParameters(AlgorithmIdentifier algorithm) throws GeneralSecurityException {
    if (algorithm.getParameters() == null) {
      throw new GeneralSecurityException("rsassa-pss parameters are missing");
    }
    RSASSAPSSparams params = RSASSAPSSparams.getInstance(algorithm.getParameters());
    String hash = PSS_HASHES.get(params.getHashAlgorithm().getAlgorithm());
    AlgorithmIdentifier mgf = params.getMaskGenAlgorithm();
    String mgfHash = mgf.getAlgorithm().equals(PKCSObjectIdentifiers.id_mgf1) && mgf.getParameters() != null
        ? PSS_HASHES.get(AlgorithmIdentifier.getInstance(mgf.getParameters()).getAlgorithm()) : null;
    if (hash == null || mgfHash == null || !params.getTrailerField().equals(BigInteger.ONE)
        || params.getSaltLength().bitLength() > 16) {
      throw new GeneralSecurityException("rsassa-pss parameters (hash " + params.getHashAlgorithm().getAlgorithm()
          + ", mask " + mgf.getAlgorithm() + ", salt " + params.getSaltLength() + ", trailer " + params.getTrailerField()
          + ") are not allowed: sha-256, sha-384 or sha-512 with mgf1, trailer 1");
    }
    return new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash),
        params.getSaltLength().intValue(), 1);
  }

  /** The CSR's key as the chosen provider's key object (so verification needs no conversion). */
  static PublicKey publicKey(SubjectPublicKeyInfo keyInfo) throws InvalidCsrException {
    boolean ec = keyInfo.getAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey);
    try {
      return JcaCache.keyFactory(ec ? "EC" : "RSA").generatePublic(new X509EncodedKeySpec(keyInfo.getEncoded(ASN1Encoding.DER)));
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
