package dev.signet.ca.x509;

import dev.signet.ca.CaRandom;
import dev.signet.ca.SigningAuthority;
import dev.signet.ca.crypto.JcaCache;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509SvidValidator;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;

/**
 * An X.509 CA that signs X509-SVIDs: its certificate, its private key (a key object, never re-decoded) and,
 * when an upstream authority signed it, the intermediates that lead from it to the upstream roots. What
 * minting needs from the certificate (issuer name, key identifier, signature algorithm) is computed once.
 * {@link #toString()} never prints the key.
 */
public final class X509SigningAuthority implements SigningAuthority {
  private final X509Certificate certificate;
  private final PrivateKey privateKey;
  private final PrivateKey signingKey;
  private final List<X509Certificate> upstreamChain;
  private final boolean selfSigned;
  private final byte[] subjectNameDer;
  private final byte[] subjectKeyId;
  private final byte[] authorityKeyIdExtensionDer;
  private final String authorityId;
  private final String signatureAlgorithm;
  private final byte[] signatureAlgorithmDer;
  private final Instant notAfter;
  private final TrustDomain trustDomain;

  private X509SigningAuthority(X509Certificate certificate, PrivateKey privateKey,
      List<X509Certificate> upstreamChain, boolean selfSigned) {
    this.certificate = Objects.requireNonNull(certificate, "x509 authority certificate is missing");
    this.privateKey = Objects.requireNonNull(privateKey, "x509 authority private key is missing");
    this.signingKey = Certificates.forSigning(privateKey);
    this.upstreamChain = List.copyOf(upstreamChain);
    this.selfSigned = selfSigned;
    this.subjectNameDer = certificate.getSubjectX500Principal().getEncoded();
    this.subjectKeyId = Certificates.subjectKeyId(certificate.getPublicKey());
    this.authorityId = Certificates.authorityId(subjectKeyId);
    this.authorityKeyIdExtensionDer = X509SvidEncoder.extension(Extension.authorityKeyIdentifier, false,
        new AuthorityKeyIdentifier(subjectKeyId));
    this.signatureAlgorithm = Certificates.signatureAlgorithm(privateKey);
    this.signatureAlgorithmDer = X509SvidEncoder.der(new DefaultSignatureAlgorithmIdentifierFinder().find(signatureAlgorithm));
    this.notAfter = certificate.getNotAfter().toInstant();
    this.trustDomain = X509SvidValidator.spiffeIdOf(certificate).trustDomain();
  }

  /** A self-signed root CA: it is its own trust anchor, so SVID chains carry no CA certificate. */
  public static X509SigningAuthority selfSigned(X509Certificate certificate, PrivateKey privateKey) {
    return new X509SigningAuthority(certificate, privateKey, List.of(), true);
  }

  /**
   * A CA signed by an upstream authority.
   *
   * @param upstreamChain the certificates from this CA's issuer up to, but excluding, the upstream roots
   */
  public static X509SigningAuthority upstreamSigned(X509Certificate certificate, PrivateKey privateKey,
      List<X509Certificate> upstreamChain) {
    return new X509SigningAuthority(certificate, privateKey, upstreamChain, false);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The same key in the form the CA's provider signs fastest with (see {@link Certificates#forSigning}). */
  PrivateKey signingKey() {
    return signingKey;
  }

  /** The DER AlgorithmIdentifier of this CA's signatures (shared: callers must not modify it). */
  byte[] signatureAlgorithmDer() {
    return signatureAlgorithmDer;
  }

  /**
   * Signs {@code data} (a TBSCertificate) with this CA's key, on this thread's cached {@link Signature} of the
   * chosen provider ({@link JcaCache}), nonces from {@link CaRandom}; the DER signature value. Building a
   * BouncyCastle content signer per certificate would look the algorithm up in the provider every time.
   */
  byte[] sign(byte[] data) {
    try {
      Signature signature = JcaCache.signature(signatureAlgorithm);
      signature.initSign(signingKey, CaRandom.get());
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("x509 authority " + authorityId + " cannot sign: " + e.getMessage(), e);
    }
  }

  /** The upstream intermediates above this CA (never the roots); empty when self-signed. */
  public List<X509Certificate> upstreamChain() {
    return upstreamChain;
  }

  /** Whether this CA is its own root. */
  public boolean isSelfSigned() {
    return selfSigned;
  }

  /**
   * What follows the leaf in an X509-SVID chain: nothing for a self-signed CA (the root is in the bundle,
   * not the chain), else this CA's certificate and the upstream intermediates.
   */
  public List<X509Certificate> chainWithoutRoot() {
    if (selfSigned) {
      return List.of();
    }
    List<X509Certificate> chain = new ArrayList<>(1 + upstreamChain.size());
    chain.add(certificate);
    chain.addAll(upstreamChain);
    return List.copyOf(chain);
  }

  @Override
  public String authorityId() {
    return authorityId;
  }

  @Override
  public PublicKey publicKey() {
    return certificate.getPublicKey();
  }

  @Override
  public Instant notAfter() {
    return notAfter;
  }

  /** The trust domain named by the CA certificate's URI SAN. */
  public TrustDomain trustDomain() {
    return trustDomain;
  }

  /** The DER of the CA's subject name: the issuer of what it signs (shared, never modify). */
  byte[] subjectNameDer() {
    return subjectNameDer;
  }

  /** The subject key identifier (a copy). */
  public byte[] subjectKeyId() {
    return subjectKeyId.clone();
  }

  byte[] subjectKeyIdUnsafe() {
    return subjectKeyId;
  }

  /** The DER AKI extension of every certificate this CA signs (keyIdentifier = our SKI), encoded once. */
  byte[] authorityKeyIdExtensionDer() {
    return authorityKeyIdExtensionDer;
  }

  String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  @Override
  public String toString() {
    return "X509SigningAuthority[id=" + authorityId + ", subject=" + certificate.getSubjectX500Principal().getName()
        + ", notAfter=" + notAfter + (selfSigned ? ", self-signed" : ", upstreamChain=" + upstreamChain.size()) + "]";
  }
}
