package dev.signet.common.bundle;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.JWK;
import dev.signet.common.spiffe.TrustDomain;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a SPIFFE trust bundle document. The rules, and why:
 * <ul>
 *   <li>{@code keys} must be present (Trust Domain and Bundle §4.1.3); JSON with duplicate member names is
 *       refused, so no two parsers can read different keys out of one document.</li>
 *   <li>Keys with an unknown {@code use} or a {@code kty} other than EC and RSA are ignored (§4.2.1,
 *       §4.2.2) — which also keeps symmetric ({@code oct}) keys out of a bundle.</li>
 *   <li>An {@code x509-svid} key must carry exactly one certificate in {@code x5c} (as SPIRE and go-spiffe
 *       require), and the JWK's own public parameters must be that certificate's key.</li>
 *   <li>A {@code jwt-svid} key must have a non-empty {@code kid}, unique in the bundle, and must not carry
 *       private key material.</li>
 *   <li>{@code spiffe_sequence} and {@code spiffe_refresh_hint} (seconds), when present, are non-negative
 *       integers that fit in 64 bits.</li>
 * </ul>
 */
final class JwksDecoder {
  private static final Set<String> KNOWN_KEY_TYPES = Set.of("EC", "RSA");

  private JwksDecoder() {}

  static Bundle decode(TrustDomain trustDomain, String json) {
    String where = "bundle for \"" + trustDomain + "\"";
    JsonNode root;
    try {
      root = JwksCodec.MAPPER.readTree(json == null ? "" : json);
    } catch (JacksonException e) {
      throw new BundleFormatException(where + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new BundleFormatException(where + " is not a JSON object");
    }
    long sequence = nonNegative(root, "spiffe_sequence", where);
    long refreshHint = nonNegative(root, "spiffe_refresh_hint", where);
    JsonNode keys = root.get("keys");
    if (keys == null || !keys.isArray()) {
      throw new BundleFormatException(where + " has no \"keys\" array");
    }
    Set<X509Certificate> x509 = new LinkedHashSet<>();
    List<JwtAuthority> jwt = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      JsonNode key = keys.get(i);
      String keyWhere = where + ", key " + i;
      if (!key.isObject()) {
        throw new BundleFormatException(keyWhere + " is not a JSON object");
      }
      if (!KNOWN_KEY_TYPES.contains(key.path("kty").asText(""))) {
        continue;
      }
      switch (key.path("use").asText("")) {
        case JwksCodec.X509_SVID_USE -> x509.add(x509Certificate(key, keyWhere));
        case JwksCodec.JWT_SVID_USE -> {
          JwtAuthority authority = jwtAuthority(key, keyWhere);
          if (jwt.stream().anyMatch(a -> a.keyId().equals(authority.keyId()))) {
            throw new BundleFormatException(where + " has the jwt-svid key id \"" + authority.keyId() + "\" twice");
          }
          jwt.add(authority);
        }
        default -> { } // unknown use: ignored, as the spec requires
      }
    }
    return new Bundle(trustDomain, x509.stream().map(X509Authority::of).toList(), jwt, sequence,
        Duration.ofSeconds(refreshHint));
  }

  private static X509Certificate x509Certificate(JsonNode key, String where) {
    JsonNode x5c = key.get("x5c");
    int count = x5c == null || !x5c.isArray() ? 0 : x5c.size();
    if (count != 1) {
      throw new BundleFormatException(where + " (x509-svid) must carry exactly one certificate in \"x5c\"; it has "
          + count);
    }
    // JWK.parse refuses key parameters that differ from the x5c certificate's key.
    return parse(key, where).getParsedX509CertChain().getFirst();
  }

  private static JwtAuthority jwtAuthority(JsonNode key, String where) {
    String keyId = key.path("kid").asText("");
    if (!key.path("kid").isTextual() || keyId.isEmpty()) {
      throw new BundleFormatException(where + " (jwt-svid) has no \"kid\"");
    }
    JWK jwk = parse(key, where);
    return JwtAuthority.of(keyId, publicKey(jwk, where));
  }

  private static JWK parse(JsonNode key, String where) {
    JWK jwk;
    try {
      jwk = JWK.parse(key.toString());
    } catch (ParseException e) {
      throw new BundleFormatException(where + " is not a valid JWK: " + e.getMessage(), e);
    }
    if (jwk.isPrivate()) {
      throw new BundleFormatException(where + " contains private key material; a bundle holds public keys only");
    }
    return jwk;
  }

  private static PublicKey publicKey(JWK jwk, String where) {
    try {
      return ((AsymmetricJWK) jwk).toPublicKey();
    } catch (JOSEException e) {
      throw new BundleFormatException(where + " has an unusable public key: " + e.getMessage(), e);
    }
  }

  private static long nonNegative(JsonNode root, String member, String where) {
    JsonNode value = root.get(member);
    if (value == null || value.isNull()) {
      return 0;
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 0) {
      throw new BundleFormatException(where + ": \"" + member + "\" must be a non-negative 64-bit integer, not "
          + value);
    }
    return value.asLong();
  }
}
