package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster's service account token signer, as the Kubernetes API server and token controller are: RS256
 * JWTs with the claims of projected (PSAT) and legacy (SAT) tokens, and their verification for the fake
 * API server's TokenReview.
 */
final class ServiceAccountTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  static final String ISSUER = "https://kubernetes.default.svc.cluster.local";

  private final KeyPair key;

  ServiceAccountTokens() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      key = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A projected token bound to a pod, for {@code audience}, valid for ten minutes. */
  String projected(String namespace, String account, String podName, String podUid, String audience) {
    long now = Instant.now().getEpochSecond();
    return sign(Map.of("iss", ISSUER, "sub", "system:serviceaccount:" + namespace + ":" + account,
        "aud", List.of(audience), "iat", now, "nbf", now, "exp", now + 600,
        "kubernetes.io", Map.of("namespace", namespace, "pod", Map.of("name", podName, "uid", podUid),
            "serviceaccount", Map.of("name", account, "uid", "sa-uid-" + account))));
  }

  /** A legacy, secret-based token (no expiry), as the token controller writes it. */
  String legacy(String namespace, String account) {
    return sign(Map.of("iss", "kubernetes/serviceaccount", "sub", "system:serviceaccount:" + namespace + ":" + account,
        "kubernetes.io/serviceaccount/namespace", namespace,
        "kubernetes.io/serviceaccount/secret.name", account + "-token-zjr8v",
        "kubernetes.io/serviceaccount/service-account.name", account,
        "kubernetes.io/serviceaccount/service-account.uid", "sa-uid-" + account));
  }

  /** The public key as {@code --service-account-key-file} holds it (PEM {@code PUBLIC KEY}). */
  Path writePublicKey(Path file) {
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPublic().getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
    try {
      return Files.writeString(file, pem);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The claims of a token this signer made and that has not expired; empty for anything else. */
  Optional<JsonNode> verify(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key.getPublic());
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return Optional.empty();
      }
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      boolean expired = claims.has("exp") && claims.get("exp").asLong() < Instant.now().getEpochSecond();
      return expired ? Optional.empty() : Optional.of(claims);
    } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
      return Optional.empty();
    }
  }

  private String sign(Map<String, Object> claims) {
    try {
      String signingInput = B64.encodeToString(JSON.writeValueAsBytes(Map.of("alg", "RS256", "kid", "test-key")))
          + "." + B64.encodeToString(JSON.writeValueAsBytes(claims));
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key.getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + B64.encodeToString(signer.sign());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
