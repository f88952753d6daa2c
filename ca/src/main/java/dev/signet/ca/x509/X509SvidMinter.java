package dev.signet.ca.x509;

import dev.signet.ca.CaRandom;
import dev.signet.common.spiffe.SpiffeId;
import java.math.BigInteger;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Mints X509-SVIDs with SPIRE's workload profile: subject C=US, O=SPIRE (plus CN = the first DNS name),
 * exactly one URI SAN (the SPIFFE ID) then the DNS SANs, key usage digitalSignature|keyEncipherment|
 * keyAgreement (critical), EKU serverAuth+clientAuth, basic constraints CA:false (critical), SKI and AKI,
 * NotBefore = now − 10 s (clock skew), NotAfter = min(now + ttl, CA NotAfter), a random positive 128-bit
 * serial. The caller has already decided the ID and DNS names (from the registration entry). The DER is
 * written by {@link X509SvidEncoder} and signed; {@link #mintEncoded} returns it unparsed (the issuance path),
 * {@link #mint} parsed by the JDK.
 */
public final class X509SvidMinter {
  /** How far NotBefore is backdated to absorb clock skew (SPIRE's NotBeforeCushion). */
  public static final Duration NOT_BEFORE_CUSHION = Duration.ofSeconds(10);

  private X509SvidMinter() {}

  /**
   * Signs an X509-SVID for {@code publicKey} with {@code authority}.
   *
   * @throws IllegalArgumentException when the ID is not a workload ID of the CA's trust domain, the TTL is
   *     not positive, the CA has expired, or a DNS name is not ASCII
   */
  public static X509Certificate mint(X509SigningAuthority authority, PublicKey publicKey, SpiffeId id,
      List<String> dnsNames, Duration ttl, Instant now) {
    return mintEncoded(authority, publicKey, id, dnsNames, ttl, now).certificate();
  }

  /**
   * Signs an X509-SVID for {@code publicKey} with {@code authority}, without parsing it back.
   *
   * @throws IllegalArgumentException as {@link #mint}
   */
  public static MintedX509Svid mintEncoded(X509SigningAuthority authority, PublicKey publicKey, SpiffeId id,
      List<String> dnsNames, Duration ttl, Instant now) {
    if (!id.memberOf(authority.trustDomain()) || id.isTrustDomainId()) {
      throw new IllegalArgumentException("x509-svid id \"" + id + "\" is not a workload id of trust domain \""
          + authority.trustDomain() + "\"");
    }
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("x509-svid ttl " + ttl + " must be positive");
    }
    Instant notAfter = now.plus(ttl);
    if (notAfter.isAfter(authority.notAfter())) {
      notAfter = authority.notAfter();
    }
    if (!notAfter.isAfter(now)) {
      throw new IllegalArgumentException("x509 authority " + authority.authorityId() + " expired at "
          + authority.notAfter());
    }
    byte[] subjectKeyDer = publicKey.getEncoded();
    byte[] algorithm = authority.signatureAlgorithmDer();
    BigInteger serialNumber = CaRandom.serialNumber();
    byte[] tbs = X509SvidEncoder.tbsCertificate(algorithm, authority.subjectNameDer(), serialNumber,
        now.minus(NOT_BEFORE_CUSHION), notAfter, subjectKeyDer,
        Certificates.subjectKeyId(SubjectPublicKeyInfo.getInstance(subjectKeyDer)),
        authority.authorityKeyIdExtensionDer(), id, dnsNames);
    return new MintedX509Svid(X509SvidEncoder.certificate(tbs, algorithm, authority.sign(tbs)), id, serialNumber,
        Instant.ofEpochSecond(notAfter.getEpochSecond()));
  }
}
