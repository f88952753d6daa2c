package dev.signet.server.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.signet.common.bundle.JwtAuthority;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The {@code /keys} response: the JWT authorities as an RFC 7517 JWK Set, each key with its {@code kid} and
 * {@code alg} (so a relying party can pick the algorithm without guessing), {@code use: "sig"} when
 * {@code set_key_use} asks for it, and an ETag that is a digest of the bytes (equal sets give equal tags, so a
 * client's {@code If-None-Match} survives a restart of the provider).
 *
 * @param body the JSON served
 * @param etag a strong entity tag, quoted
 * @param lastModified when this set (not an equal one) was first seen
 * @param keyIds the key IDs served, in order
 */
public record JwksDocument(byte[] body, String etag, Instant lastModified, List<String> keyIds) {
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  public JwksDocument {
    body = body.clone();
    keyIds = List.copyOf(keyIds);
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** Renders {@code authorities} sorted by key ID (a stable order keeps the ETag stable). */
  public static JwksDocument render(List<JwtAuthority> authorities, boolean setKeyUse, Instant now) {
    List<JwtAuthority> sorted = authorities.stream().sorted(Comparator.comparing(JwtAuthority::keyId)).toList();
    List<Map<String, Object>> keys = new ArrayList<>();
    for (JwtAuthority authority : sorted) {
      keys.add(jwk(authority, setKeyUse).toJSONObject());
    }
    byte[] body;
    try {
      body = MAPPER.writeValueAsString(Map.of("keys", keys)).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the jwks", e);
    }
    return new JwksDocument(body, etagOf(body), now, sorted.stream().map(JwtAuthority::keyId).toList());
  }

  /** The same content as {@code other} (then the older {@link #lastModified()} is kept). */
  public boolean sameContent(JwksDocument other) {
    return other != null && etag.equals(other.etag);
  }

  private static JWK jwk(JwtAuthority authority, boolean setKeyUse) {
    KeyUse use = setKeyUse ? KeyUse.SIGNATURE : null;
    return switch (authority.publicKey()) {
      case ECPublicKey ec -> {
        Curve curve = Curve.forECParameterSpec(ec.getParams());
        if (curve == null) {
          throw new IllegalArgumentException("jwt authority \"" + authority.keyId() + "\" is on an unsupported curve");
        }
        yield new ECKey.Builder(curve, ec).keyID(authority.keyId()).keyUse(use).algorithm(ecAlgorithm(curve)).build();
      }
      case RSAPublicKey rsa -> new RSAKey.Builder(rsa).keyID(authority.keyId()).keyUse(use)
          .algorithm(JWSAlgorithm.RS256).build();
      default -> throw new IllegalArgumentException("jwt authority \"" + authority.keyId() + "\" has a "
          + authority.publicKey().getAlgorithm() + " key; only EC and RSA keys can be served");
    };
  }

  private static JWSAlgorithm ecAlgorithm(Curve curve) {
    if (Curve.P_256.equals(curve)) {
      return JWSAlgorithm.ES256;
    }
    if (Curve.P_384.equals(curve)) {
      return JWSAlgorithm.ES384;
    }
    if (Curve.P_521.equals(curve)) {
      return JWSAlgorithm.ES512;
    }
    throw new IllegalArgumentException("no jws algorithm for curve " + curve);
  }

  /** A strong entity tag for {@code body}: a prefix of its SHA-256, quoted. */
  static String etagOf(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 22) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("sha-256 is missing from the jdk", e);
    }
  }
}
