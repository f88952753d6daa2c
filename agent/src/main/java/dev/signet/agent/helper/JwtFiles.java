package dev.signet.agent.helper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.protobuf.ByteString;
import dev.signet.proto.workload.JWTSVID;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JWT files in spiffe-helper's formats: {@code jwt_bundle_file_name} is one JSON object mapping each trust
 * domain name ({@code example.org}: the Workload API's {@code spiffe://example.org} keys without the scheme, as
 * spiffe-helper writes them) to the standard base64 of its JWKS document (as the Workload API sent it), and each
 * {@code jwt_svid_file_name} holds the compact token alone.
 */
final class JwtFiles {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String SCHEME = "spiffe://";

  private JwtFiles() {}

  /** The bundle file for FetchJWTBundles' {@code bundles} map (trust domain → JWKS bytes). */
  static String bundleFile(Map<String, ByteString> bundles) {
    Map<String, String> out = new TreeMap<>();
    bundles.forEach((domain, jwks) -> out.put(domain.startsWith(SCHEME) ? domain.substring(SCHEME.length()) : domain,
        Base64.getEncoder().encodeToString(jwks.toByteArray())));
    try {
      return JSON.writeValueAsString(out);
    } catch (IOException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
  }

  /** The JWT-SVID whose hint is {@code hint} (the first one when empty). */
  static JWTSVID choose(List<JWTSVID> svids, String hint) {
    if (svids.isEmpty()) {
      throw new IllegalArgumentException("the workload api sent no jwt-svid");
    }
    if (hint.isEmpty()) {
      return svids.getFirst();
    }
    return svids.stream().filter(s -> s.getHint().equals(hint)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no jwt-svid has the hint \"" + hint + "\""));
  }

  /**
   * The {@code exp} claim of {@code token}, read without verifying the signature: the agent that just issued it
   * is trusted for when to ask again, nothing else is decided on it.
   */
  static Instant expiry(String token) {
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("the jwt-svid is not a compact jws (" + parts.length + " parts)");
    }
    JsonNode claims;
    try {
      claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the jwt-svid's claims are not base64url json: " + e.getMessage(), e);
    }
    JsonNode exp = claims.get("exp");
    if (exp == null || !exp.canConvertToLong()) {
      throw new IllegalArgumentException("the jwt-svid has no numeric exp claim");
    }
    return Instant.ofEpochSecond(exp.asLong());
  }
}
