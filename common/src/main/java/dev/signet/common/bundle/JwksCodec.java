package dev.signet.common.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64;
import dev.signet.common.spiffe.TrustDomain;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Bundle} as a SPIFFE trust bundle (an RFC 7517 JWK Set with {@code spiffe_sequence} and
 * {@code spiffe_refresh_hint}), the format of bundle endpoints and {@code bundle show -format spiffe}.
 * Reading is done by {@link JwksDecoder}. X.509 authorities become {@code use: x509-svid} keys carrying the
 * certificate in {@code x5c} and no {@code kid} (X509-SVID §6.1); JWT authorities become
 * {@code use: jwt-svid} keys with their {@code kid}. Taint and JWT key expiry are not part of the format.
 */
public final class JwksCodec {
  /** The {@code use} of keys that are X509-SVID authorities. */
  public static final String X509_SVID_USE = "x509-svid";
  /** The {@code use} of keys that are JWT-SVID authorities. */
  public static final String JWT_SVID_USE = "jwt-svid";

  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final List<String> MEMBER_ORDER = List.of("use", "kty", "kid", "crv", "x", "y", "n", "e", "x5c");

  private JwksCodec() {}

  /** The bundle as compact JWKS JSON. */
  public static String encode(Bundle bundle) {
    return write(bundle, false);
  }

  /** The bundle as indented JWKS JSON, as {@code bundle show -format spiffe} prints it. */
  public static String encodeIndented(Bundle bundle) {
    return write(bundle, true);
  }

  /** Parses a SPIFFE bundle document for {@code trustDomain}; see {@link JwksDecoder} for the rules. */
  public static Bundle decode(TrustDomain trustDomain, String json) {
    return JwksDecoder.decode(trustDomain, json);
  }

  private static String write(Bundle bundle, boolean indent) {
    List<Map<String, Object>> keys = new ArrayList<>();
    for (X509Authority authority : bundle.x509Authorities()) {
      X509Certificate certificate = authority.certificate();
      keys.add(ordered(jwk(certificate.getPublicKey(), X509_SVID_USE, null,
          List.of(Base64.encode(der(certificate))))));
    }
    for (JwtAuthority authority : bundle.jwtAuthorities()) {
      keys.add(ordered(jwk(authority.publicKey(), JWT_SVID_USE, authority.keyId(), null)));
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("keys", keys);
    document.put("spiffe_sequence", bundle.sequenceNumber());
    if (!bundle.refreshHint().isZero()) {
      document.put("spiffe_refresh_hint", bundle.refreshHint().toSeconds());
    }
    try {
      return indent ? MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document)
          : MAPPER.writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the bundle of \"" + bundle.trustDomain() + "\"", e);
    }
  }

  /** The JWK of an EC or RSA public key; other key types have no SPIFFE bundle representation here. */
  private static JWK jwk(PublicKey key, String use, String keyId, List<Base64> x5c) {
    return switch (key) {
      case ECPublicKey ec -> new ECKey.Builder(curve(ec), ec).keyUse(new KeyUse(use)).keyID(keyId)
          .x509CertChain(x5c).build();
      case RSAPublicKey rsa -> new RSAKey.Builder(rsa).keyUse(new KeyUse(use)).keyID(keyId)
          .x509CertChain(x5c).build();
      default -> throw new IllegalArgumentException("cannot put a " + key.getAlgorithm()
          + " key into a spiffe bundle (only EC and RSA keys are supported)");
    };
  }

  private static Curve curve(ECPublicKey key) {
    Curve curve = Curve.forECParameterSpec(key.getParams());
    if (curve == null) {
      throw new IllegalArgumentException("cannot put an EC key on curve " + key.getParams()
          + " into a spiffe bundle (only P-256, P-384 and P-521 are supported)");
    }
    return curve;
  }

  private static Map<String, Object> ordered(JWK jwk) {
    Map<String, Object> members = jwk.toJSONObject();
    Map<String, Object> ordered = new LinkedHashMap<>();
    MEMBER_ORDER.stream().filter(members::containsKey).forEach(name -> ordered.put(name, members.get(name)));
    members.forEach(ordered::putIfAbsent);
    return ordered;
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("x509 authority " + certificate.getSubjectX500Principal().getName()
          + " cannot be DER-encoded", e);
    }
  }
}
