package dev.signet.ca.x509;

import com.nimbusds.jose.JWSObject;
import dev.signet.ca.CaException;
import dev.signet.ca.CaException.Kind;
import dev.signet.ca.CaRandom;
import dev.signet.ca.crypto.IndependentCheck;
import dev.signet.ca.jwt.JwtSigningAuthority;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.JwtSvid;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.crypto.KeyType;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;

/**
 * Checks every credential the CA issues against its profile before it leaves the CA (SPIRE's credvalidator):
 * a bug in a minter, or a certificate paired with the wrong key, fails loudly with {@link Kind#INTERNAL}
 * instead of reaching a workload.
 *
 * <p>Security decision: an SVID is checked to chain to its authority structurally (issuer name and AKI equal
 * the CA's subject and SKI, validity inside the CA's) rather than by re-verifying the signature we just
 * made, which would double the ECDSA cost of every issuance. Issuance checks each authority once, before its
 * first SVID, with {@link #validateMinting} (a minted SVID parsed, validated and verified by a second
 * provider), and then releases SVIDs without parsing them back: the encoder writes every SVID from the same
 * code and the same authority fields, and only the key, serial, times, ID and DNS names vary, each checked
 * on the way in.
 */
public final class CredentialValidator {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int KEY_CERT_SIGN = 5;
  private static final int CRL_SIGN = 6;

  /** The path of the SVID {@link #validateMinting} mints (never served: its key is thrown away). */
  private static final String MINTING_CHECK_PATH = "/signet/credential-check";
  private static final Duration MINTING_CHECK_TTL = Duration.ofMinutes(1);

  private CredentialValidator() {}

  /** An X.509 CA: one URI SAN equal to the trust domain ID, CA:true, keyCertSign and cRLSign, valid at {@code now}. */
  public static void validateX509Ca(X509Certificate ca, TrustDomain trustDomain, Instant now) {
    SpiffeId id = uriSan(ca);
    if (!id.equals(trustDomain.id())) {
      throw fail("x509 ca uri san \"" + id + "\" must be \"" + trustDomain.id() + "\"");
    }
    if (ca.getBasicConstraints() < 0) {
      throw fail("x509 ca \"" + id + "\" is not a CA");
    }
    boolean[] usage = ca.getKeyUsage();
    if (usage == null || !usage[KEY_CERT_SIGN] || !usage[CRL_SIGN]) {
      throw fail("x509 ca \"" + id + "\" lacks the keyCertSign and cRLSign key usages");
    }
    if (!ca.getNotAfter().toInstant().isAfter(now) || ca.getNotBefore().toInstant().isAfter(now)) {
      throw fail("x509 ca \"" + id + "\" is not valid at " + now + " (" + ca.getNotBefore().toInstant() + " to "
          + ca.getNotAfter().toInstant() + ")");
    }
  }

  /** An X509-SVID: the SPIFFE leaf profile, the expected ID, EKUs, and chaining to {@code authority}. */
  public static void validateX509Svid(X509Certificate leaf, X509SigningAuthority authority, SpiffeId id) {
    SpiffeId actual;
    try {
      actual = X509SvidValidator.validateLeaf(leaf);
    } catch (SvidValidationException e) {
      throw new CaException(Kind.INTERNAL, "minted x509-svid breaks the profile: " + e.getMessage(), e);
    }
    if (!actual.equals(id)) {
      throw fail("minted x509-svid has id \"" + actual + "\", expected \"" + id + "\"");
    }
    if (!leaf.getIssuerX500Principal().equals(authority.certificate().getSubjectX500Principal())) {
      throw fail("minted x509-svid \"" + id + "\" is not issued by " + authority);
    }
    if (!Arrays.equals(authorityKeyId(leaf), authority.subjectKeyIdUnsafe())) {
      throw fail("minted x509-svid \"" + id + "\" has an authority key id that is not " + authority.authorityId());
    }
    if (leaf.getNotAfter().after(authority.certificate().getNotAfter())) {
      throw fail("minted x509-svid \"" + id + "\" outlives its ca (" + leaf.getNotAfter().toInstant() + " > "
          + authority.notAfter() + ")");
    }
    try {
      List<String> purposes = leaf.getExtendedKeyUsage();
      if (purposes == null || !purposes.contains(SERVER_AUTH) || !purposes.contains(CLIENT_AUTH)) {
        throw fail("minted x509-svid \"" + id + "\" lacks the serverAuth and clientAuth extended key usages");
      }
    } catch (CertificateParsingException e) {
      throw new CaException(Kind.INTERNAL, "minted x509-svid \"" + id + "\" has unreadable extended key usages", e);
    }
  }

  /**
   * Proves that {@code authority} mints valid X509-SVIDs, once per authority, so that issuance need not parse
   * and check each SVID it signs: one SVID for a throw-away key is minted, parsed by the JDK, checked by
   * {@link #validateX509Svid}, and its signature verified under the CA certificate's key by the second
   * provider ({@link IndependentCheck}), which also proves the CA's private key matches its certificate.
   *
   * @throws CaException with {@link Kind#INTERNAL} when any of it fails (the authority must not sign)
   */
  public static void validateMinting(X509SigningAuthority authority, Instant now) {
    SpiffeId id = authority.trustDomain().id(MINTING_CHECK_PATH);
    X509Certificate svid;
    try {
      svid = X509SvidMinter.mint(authority, KeyType.EC_P256.generate().getPublic(), id, List.of("check.invalid"),
          MINTING_CHECK_TTL, now);
      IndependentCheck.verify(svid, authority.publicKey());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CaException(Kind.INTERNAL, "x509 authority " + authority.authorityId() + " cannot mint a valid"
          + " x509-svid: " + e.getMessage(), e);
    }
    validateX509Svid(svid, authority, id);
  }

  /** A JWT-SVID: kid of {@code authority}, {@code sub} and {@code aud} as recorded, expiry within the key's. */
  public static void validateJwtSvid(JwtSvid svid, JwtSigningAuthority authority) {
    JWSObject jws;
    Map<String, Object> claims;
    try {
      jws = JWSObject.parse(svid.token().reveal());
      claims = jws.getPayload().toJSONObject();
    } catch (ParseException e) {
      throw new CaException(Kind.INTERNAL, "minted jwt-svid \"" + svid.id() + "\" cannot be parsed", e);
    }
    if (!authority.keyId().equals(jws.getHeader().getKeyID())) {
      throw fail("minted jwt-svid \"" + svid.id() + "\" names kid \"" + jws.getHeader().getKeyID() + "\", expected \""
          + authority.keyId() + "\"");
    }
    if (claims == null || !svid.id().toString().equals(claims.get("sub"))) {
      throw fail("minted jwt-svid sub does not match \"" + svid.id() + "\"");
    }
    if (!svid.audience().equals(claims.get("aud"))) {
      throw fail("minted jwt-svid \"" + svid.id() + "\" aud " + claims.get("aud") + " differs from " + svid.audience());
    }
    if (svid.expiresAt().isAfter(authority.notAfter())) {
      throw fail("minted jwt-svid \"" + svid.id() + "\" outlives its key (" + svid.expiresAt() + " > "
          + authority.notAfter() + ")");
    }
  }

  /** Proves {@code privateKey} is the private half of {@code publicKey} with one sign/verify round trip. */
  public static void validateKeyPair(PublicKey publicKey, PrivateKey privateKey) {
    String algorithm = Certificates.signatureAlgorithm(privateKey);
    try {
      byte[] probe = new byte[32];
      CaRandom.get().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm, CryptoProviders.signing());
      signer.initSign(privateKey, CaRandom.get());
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm, CryptoProviders.signing());
      verifier.initVerify(publicKey);
      verifier.update(probe);
      if (!verifier.verify(signature)) {
        throw fail("the private key does not match the " + publicKey.getAlgorithm() + " public key");
      }
    } catch (GeneralSecurityException e) {
      throw new CaException(Kind.INTERNAL, "key pair cannot be checked: " + e.getMessage(), e);
    }
  }

  private static SpiffeId uriSan(X509Certificate certificate) {
    try {
      return X509SvidValidator.spiffeIdOf(certificate);
    } catch (SvidValidationException e) {
      throw new CaException(Kind.INTERNAL, "x509 ca breaks the profile: " + e.getMessage(), e);
    }
  }

  private static byte[] authorityKeyId(X509Certificate certificate) {
    byte[] extension = certificate.getExtensionValue(Extension.authorityKeyIdentifier.getId());
    if (extension == null) {
      return null;
    }
    return AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getKeyIdentifierOctets();
  }

  private static CaException fail(String message) {
    return new CaException(Kind.INTERNAL, message);
  }
}
