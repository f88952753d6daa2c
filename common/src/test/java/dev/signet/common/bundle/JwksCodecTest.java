package dev.signet.common.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JwksCodecTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final JsonMapper JSON = new JsonMapper();
  private static final X509Certificate EC_ROOT = TestCertificate.ca("example.org").issue().certificate();
  private static final X509Certificate RSA_ROOT =
      TestCertificate.ca("example.org").keyType(KeyType.RSA_2048).issue().certificate();
  private static final KeyPair JWT_EC = KeyType.EC_P384.generate();
  private static final KeyPair JWT_RSA = KeyType.RSA_2048.generate();

  private static Bundle sample() {
    return Bundle.ofX509(TD, List.of(EC_ROOT, RSA_ROOT))
        .withJwtAuthority(JwtAuthority.of("ec-key", JWT_EC.getPublic()))
        .withJwtAuthority(JwtAuthority.of("rsa-key", JWT_RSA.getPublic()))
        .withRefreshHint(Duration.ofMinutes(5))
        .withSequenceNumber(42);
  }

  @Test
  void roundTripsEcAndRsaAuthorities() {
    Bundle decoded = JwksCodec.decode(TD, JwksCodec.encode(sample()));
    assertThat(decoded).isEqualTo(sample());
    assertThat(JwksCodec.decode(TD, JwksCodec.encodeIndented(sample()))).isEqualTo(sample());
  }

  @Test
  void encodesTheSpiffeMembers() throws JsonProcessingException {
    JsonNode document = JSON.readTree(JwksCodec.encode(sample()));
    assertThat(document.path("spiffe_sequence").asLong()).isEqualTo(42);
    assertThat(document.path("spiffe_refresh_hint").asLong()).isEqualTo(300);
    JsonNode x509 = document.path("keys").path(0);
    assertThat(x509.path("use").asText()).isEqualTo("x509-svid");
    assertThat(x509.has("kid")).isFalse();
    assertThat(x509.path("kty").asText() + " " + x509.path("crv").asText()).isEqualTo("EC P-256");
    assertThat(x509.path("x5c").size()).isEqualTo(1);
    assertThat(x509.path("x5c").path(0).asText()).isEqualTo(Base64.getEncoder().encodeToString(DerCodec.encoded(EC_ROOT)));
    JsonNode jwt = document.path("keys").path(2);
    assertThat(jwt.path("use").asText() + " " + jwt.path("kid").asText() + " " + jwt.path("crv").asText())
        .isEqualTo("jwt-svid ec-key P-384");
    assertThat(jwt.has("x5c")).isFalse();
    JsonNode rsa = document.path("keys").path(3);
    assertThat(rsa.path("kty").asText()).isEqualTo("RSA");
    assertThat(rsa.has("n") && rsa.has("e")).isTrue();
  }

  @Test
  void omitsAnAbsentRefreshHint() {
    assertThat(JwksCodec.encode(Bundle.empty(TD))).isEqualTo("{\"keys\":[],\"spiffe_sequence\":0}");
    assertThat(JwksCodec.decode(TD, "{\"keys\":[]}")).isEqualTo(Bundle.empty(TD));
  }

  @Test
  void ignoresUnknownUsesKeyTypesAndMembers() {
    String json = document(keys -> {
      keys.add(x509Key(EC_ROOT));
      keys.add(with(jwtKey("k1"), "use", "enc"));
      keys.add(without(jwtKey("k2"), "use"));
      keys.add(Map.of("kty", "oct", "use", "jwt-svid", "kid", "hmac", "k", "c2VjcmV0"));
      keys.add(Map.of("kty", "OKP", "use", "jwt-svid", "kid", "ed", "crv", "Ed25519",
          "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"));
      keys.add(Map.of("kty", "FOO", "use", "x509-svid"));
    }, Map.of("extra", "ignored"));
    Bundle bundle = JwksCodec.decode(TD, json);
    assertThat(bundle.x509Certificates()).containsExactly(EC_ROOT);
    assertThat(bundle.jwtAuthorities()).isEmpty();
  }

  @Test
  void deduplicatesARepeatedCertificate() {
    String json = document(keys -> {
      keys.add(x509Key(EC_ROOT));
      keys.add(x509Key(EC_ROOT));
    }, Map.of());
    assertThat(JwksCodec.decode(TD, json).x509Certificates()).containsExactly(EC_ROOT);
  }

  @Test
  void refusesKeysItCannotRepresent() throws java.security.GeneralSecurityException {
    var ed = java.security.KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
    assertThatThrownBy(() -> JwksCodec.encode(Bundle.empty(TD).withJwtAuthority(JwtAuthority.of("x", ed))))
        .hasMessageContaining("only EC and RSA keys");
  }

  static Stream<Arguments> malformed() {
    ECPublicKey other = (ECPublicKey) KeyType.EC_P256.generate().getPublic();
    X509Certificate second = TestCertificate.ca("example.org").issue().certificate();
    return Stream.of(
        Arguments.of("not json", "{", "is not valid JSON"),
        Arguments.of("empty input", "", "is not a JSON object"),
        Arguments.of("top-level array", "[]", "is not a JSON object"),
        Arguments.of("no keys", "{}", "has no \"keys\" array"),
        Arguments.of("keys not an array", "{\"keys\":{}}", "has no \"keys\" array"),
        Arguments.of("duplicate member", "{\"keys\":[],\"keys\":[]}", "is not valid JSON"),
        Arguments.of("key not an object", "{\"keys\":[1]}", "key 0 is not a JSON object"),
        Arguments.of("negative sequence", "{\"keys\":[],\"spiffe_sequence\":-1}", "spiffe_sequence"),
        Arguments.of("string sequence", "{\"keys\":[],\"spiffe_sequence\":\"1\"}", "spiffe_sequence"),
        Arguments.of("fractional sequence", "{\"keys\":[],\"spiffe_sequence\":1.5}", "spiffe_sequence"),
        Arguments.of("sequence beyond 64 bits", "{\"keys\":[],\"spiffe_sequence\":18446744073709551616}",
            "spiffe_sequence"),
        Arguments.of("negative refresh hint", "{\"keys\":[],\"spiffe_refresh_hint\":-5}", "spiffe_refresh_hint"),
        Arguments.of("x509 without x5c", document(k -> k.add(without(x509Key(EC_ROOT), "x5c")), Map.of()),
            "exactly one certificate in \"x5c\"; it has 0"),
        Arguments.of("x509 with empty x5c", document(k -> k.add(with(x509Key(EC_ROOT), "x5c", List.of())), Map.of()),
            "it has 0"),
        Arguments.of("x509 with two certificates", document(k -> k.add(with(x509Key(EC_ROOT), "x5c",
            List.of(b64(EC_ROOT), b64(second)))), Map.of()), "it has 2"),
        Arguments.of("x509 key not matching x5c", document(k -> k.add(with(with(x509Key(EC_ROOT),
            "x", ecJwk(other).get("x")), "y", ecJwk(other).get("y"))), Map.of()), "must match the JWK"),
        Arguments.of("x509 x5c not a certificate", document(k -> k.add(with(x509Key(EC_ROOT), "x5c",
            List.of("AAAA"))), Map.of()), "is not a valid JWK"),
        Arguments.of("jwt without kid", document(k -> k.add(without(jwtKey("k"), "kid")), Map.of()),
            "(jwt-svid) has no \"kid\""),
        Arguments.of("jwt with empty kid", document(k -> k.add(jwtKey("")), Map.of()), "has no \"kid\""),
        Arguments.of("jwt with numeric kid", document(k -> k.add(with(jwtKey("k"), "kid", 7)), Map.of()),
            "has no \"kid\""),
        Arguments.of("duplicate kid", document(k -> {
          k.add(jwtKey("same"));
          k.add(jwtKey("same"));
        }, Map.of()), "jwt-svid key id \"same\" twice"),
        Arguments.of("private key material", document(k -> k.add(privateJwtKey("k")), Map.of()),
            "contains private key material"),
        Arguments.of("point not on the curve", document(k -> k.add(with(jwtKey("k"), "y",
            ecJwk(other).get("y"))), Map.of()), "key 0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedDocuments(String name, String json, String message) {
    assertThatThrownBy(() -> JwksCodec.decode(TD, json))
        .isInstanceOf(BundleFormatException.class)
        .hasMessageStartingWith("bundle for \"example.org\"")
        .hasMessageContaining(message);
  }

  private static String document(Consumer<List<Map<String, Object>>> keys, Map<String, Object> extra) {
    List<Map<String, Object>> list = new ArrayList<>();
    keys.accept(list);
    Map<String, Object> doc = new LinkedHashMap<>(extra);
    doc.put("keys", list);
    try {
      return JSON.writeValueAsString(doc);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> x509Key(X509Certificate certificate) {
    Map<String, Object> key = ecJwk((ECPublicKey) certificate.getPublicKey());
    key.put("use", "x509-svid");
    key.put("x5c", List.of(b64(certificate)));
    return key;
  }

  private static Map<String, Object> jwtKey(String kid) {
    Map<String, Object> key = ecJwk((ECPublicKey) JWT_EC.getPublic());
    key.put("use", "jwt-svid");
    key.put("kid", kid);
    return key;
  }

  private static Map<String, Object> privateJwtKey(String kid) {
    Map<String, Object> key = new LinkedHashMap<>(new ECKey.Builder(Curve.P_384, (ECPublicKey) JWT_EC.getPublic())
        .privateKey((ECPrivateKey) JWT_EC.getPrivate()).build().toJSONObject());
    key.put("use", "jwt-svid");
    key.put("kid", kid);
    return key;
  }

  private static Map<String, Object> ecJwk(ECPublicKey key) {
    return new LinkedHashMap<>(new ECKey.Builder(Curve.forECParameterSpec(key.getParams()), key).build().toJSONObject());
  }

  private static Map<String, Object> with(Map<String, Object> key, String member, Object value) {
    key.put(member, value);
    return key;
  }

  private static Map<String, Object> without(Map<String, Object> key, String member) {
    key.remove(member);
    return key;
  }

  private static String b64(X509Certificate certificate) {
    return Base64.getEncoder().encodeToString(DerCodec.encoded(certificate));
  }
}
