package dev.signet.server.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET <prefix>/.well-known/openid-configuration} and {@code GET <prefix>/keys}. Both refuse a request
 * whose host is not in {@code domains} with 400. Both carry an ETag and {@code Cache-Control: no-cache}: a cache
 * may keep the body but must revalidate, so a newly published (prepared) key reaches relying parties at their
 * next fetch, and an unchanged set costs a 304 without body.
 */
public final class DiscoveryRoutes {
  private static final Logger LOG = LoggerFactory.getLogger(DiscoveryRoutes.class);
  private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
  static final String CACHE_CONTROL = "no-cache";
  /** The algorithms of the keys Signet's server can sign JWT-SVIDs with (ec-p256, ec-p384, rsa-2048/4096). */
  static final List<String> SIGNING_ALGORITHMS = List.of("RS256", "ES256", "ES384");

  private final OidcConfig config;
  private final DomainPolicy domains;
  private final KeySetPoller keys;
  private final String discoveryPath;
  private final String keysPath;

  public DiscoveryRoutes(OidcConfig config, KeySetPoller keys) {
    this.config = config;
    this.domains = new DomainPolicy(config.domains());
    this.keys = keys;
    String base = "/".equals(config.serverPathPrefix()) ? "" : config.serverPathPrefix();
    this.discoveryPath = base + "/.well-known/openid-configuration";
    this.keysPath = base + "/keys";
  }

  /** Adds both endpoints, and 405 for other methods on them. */
  public void register(HttpRouting.Builder routing) {
    routing.get(discoveryPath, this::discovery)
        .get(keysPath, this::keys)
        .any(discoveryPath, (req, res) -> plain(res, Status.METHOD_NOT_ALLOWED_405, "method not allowed"))
        .any(keysPath, (req, res) -> plain(res, Status.METHOD_NOT_ALLOWED_405, "method not allowed"));
  }

  private void discovery(ServerRequest req, ServerResponse res) {
    Optional<String> host = requestedHost(req);
    if (refused(req, res, host)) {
      return;
    }
    String base = scheme(req) + "://" + host.orElseThrow();
    String prefix = "/".equals(config.serverPathPrefix()) ? "" : config.serverPathPrefix();
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("issuer", config.jwtIssuer() != null ? config.jwtIssuer() : base + prefix);
    document.put("jwks_uri", base + keysPath);
    document.put("authorization_endpoint", "");
    document.put("response_types_supported", List.of("id_token"));
    document.put("subject_types_supported", List.of("public"));
    document.put("id_token_signing_alg_values_supported", SIGNING_ALGORITHMS);
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise the discovery document", e);
    }
    cached(req, res, body, JwksDocument.etagOf(body), null);
  }

  private void keys(ServerRequest req, ServerResponse res) {
    if (refused(req, res, requestedHost(req))) {
      return;
    }
    Optional<JwksDocument> document = keys.current();
    if (document.isEmpty()) {
      plain(res, Status.SERVICE_UNAVAILABLE_503, "no jwt authorities fetched yet");
      return;
    }
    JwksDocument jwks = document.get();
    cached(req, res, jwks.body(), jwks.etag(),
        DateTimeFormatter.RFC_1123_DATE_TIME.format(jwks.lastModified().atOffset(ZoneOffset.UTC)));
  }

  private boolean refused(ServerRequest req, ServerResponse res, Optional<String> host) {
    Optional<String> refusal = domains.refusal(host);
    if (config.logRequests()) {
      LOG.debug("{} {} host={} -> {}", req.prologue().method().text(), req.path().path(), host.orElse(""),
          refusal.orElse("served"));
    }
    refusal.ifPresent(reason -> plain(res, Status.BAD_REQUEST_400, reason));
    return refusal.isPresent();
  }

  private static Optional<String> requestedHost(ServerRequest req) {
    return DomainPolicy.requestedHost(req.headers().first(HeaderNames.X_FORWARDED_HOST),
        req.headers().first(HeaderNames.HOST));
  }

  /** https unless insecure schemes are allowed and neither the connection nor a proxy said https. */
  private String scheme(ServerRequest req) {
    boolean forwardedHttps = req.headers().first(HeaderNames.X_FORWARDED_PROTO)
        .map(p -> p.strip().equalsIgnoreCase("https")).orElse(false);
    return config.allowInsecureScheme() && !req.isSecure() && !forwardedHttps ? "http" : "https";
  }

  private static void cached(ServerRequest req, ServerResponse res, byte[] body, String etag, String lastModified) {
    res.header(HeaderNames.CACHE_CONTROL, CACHE_CONTROL);
    res.header(HeaderNames.ETAG, etag);
    if (lastModified != null) {
      res.header(HeaderNames.LAST_MODIFIED, lastModified);
    }
    boolean matches = req.headers().first(HeaderNames.IF_NONE_MATCH)
        .map(value -> List.of(value.split(",")).stream().map(String::strip)
            .anyMatch(tag -> tag.equals(etag) || tag.equals("*") || tag.equals("W/" + etag)))
        .orElse(false);
    if (matches) {
      res.status(Status.NOT_MODIFIED_304).send();
      return;
    }
    res.status(Status.OK_200).header(HeaderValues.CONTENT_TYPE_JSON).send(body);
  }

  private static void plain(ServerResponse res, Status status, String message) {
    res.status(status).header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .send((message + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
