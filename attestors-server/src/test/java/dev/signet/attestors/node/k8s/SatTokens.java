package dev.signet.attestors.node.k8s;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/** Service account tokens as Kubernetes writes them, signed with test keys. */
final class SatTokens {
  private SatTokens() {}

  static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The claims of a legacy (secret-based) token, as the token controller writes them. */
  static JWTClaimsSet.Builder legacy(String namespace, String account) {
    return new JWTClaimsSet.Builder().issuer(SatTokenVerifier.LEGACY_ISSUER)
        .subject("system:serviceaccount:" + namespace + ":" + account)
        .claim("kubernetes.io/serviceaccount/namespace", namespace)
        .claim("kubernetes.io/serviceaccount/secret.name", account + "-token-zjr8v")
        .claim("kubernetes.io/serviceaccount/service-account.name", account)
        .claim("kubernetes.io/serviceaccount/service-account.uid", "1881e84f-b612-11e8-a543-0800272c6e42");
  }

  /** The claims of a bound (projected) token. */
  static JWTClaimsSet.Builder bound(String namespace, String account, Instant issuedAt) {
    return new JWTClaimsSet.Builder().issuer("https://kubernetes.default.svc.cluster.local")
        .subject("system:serviceaccount:" + namespace + ":" + account).audience("https://kubernetes.default.svc")
        .issueTime(Date.from(issuedAt)).notBeforeTime(Date.from(issuedAt))
        .expirationTime(Date.from(issuedAt.plusSeconds(3607)))
        .claim("kubernetes.io", Map.of("namespace", namespace,
            "pod", Map.of("name", "spire-agent-5d84p", "uid", "56857f33-36a9-11e9-860c-080027b25557"),
            "serviceaccount", Map.of("name", account, "uid", "ca29bd95-36a8-11e9-b8af-080027b25557")));
  }

  static String sign(JWTClaimsSet.Builder claims, KeyPair key) {
    try {
      boolean rsa = key.getPrivate() instanceof RSAPrivateKey;
      JWSSigner signer = rsa ? new RSASSASigner(key.getPrivate()) : new ECDSASigner((ECPrivateKey) key.getPrivate());
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
          .keyID("test-key").build(), claims.build());
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
