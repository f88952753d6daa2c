package dev.signet.agent.workload;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.X509Authority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509Svid;
import dev.signet.common.testing.TestCertificate;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** A tiny trust domain for tests: an X.509 CA, a JWT signing key, and helpers to mint SVIDs and tokens. */
public final class TestIdentities {
  public final TrustDomain trustDomain;
  public final TestCertificate.Issued ca;
  public final KeyPair jwtKey = KeyType.EC_P256.generate();
  public final String jwtKeyId;
  public final Bundle bundle;

  public TestIdentities(String trustDomain) {
    this.trustDomain = TrustDomain.parse(trustDomain);
    this.ca = TestCertificate.ca(trustDomain).issue();
    this.jwtKeyId = "kid-" + trustDomain;
    this.bundle = new Bundle(this.trustDomain, List.of(X509Authority.of(ca.certificate())),
        List.of(JwtAuthority.of(jwtKeyId, jwtKey.getPublic())), 1, Duration.ZERO);
  }

  public X509Svid svid(String path) {
    TestCertificate.Issued leaf = TestCertificate.leaf(trustDomain.idString() + path, ca).issue();
    return new X509Svid(trustDomain.id(path), List.of(leaf.certificate()), leaf.keyPair().getPrivate());
  }

  public CachedIdentity identity(String entryId, String path, String hint, String... selectors) {
    return identity(entryId, path, hint, List.of(), selectors);
  }

  public CachedIdentity identity(String entryId, String path, String hint, List<TrustDomain> federatesWith, String... selectors) {
    Set<Selector> parsed = Set.copyOf(Stream.of(selectors).map(Selector::parse).toList());
    return new CachedIdentity(entryId, trustDomain.id(path), parsed, svid(path), hint, federatesWith);
  }

  public String jwt(String path, List<String> audience, Instant issuedAt, Instant expiresAt) {
    return jwt(jwtKey, jwtKeyId, path, audience, issuedAt, expiresAt);
  }

  public String jwt(KeyPair key, String keyId, String path, List<String> audience, Instant issuedAt, Instant expiresAt) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(trustDomain.idString() + path)
        .audience(audience)
        .issueTime(Date.from(issuedAt))
        .expirationTime(Date.from(expiresAt))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(), claims);
    try {
      jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
    return jwt.serialize();
  }
}
