package dev.signet.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.common.svid.BundleSource;
import dev.signet.datastore.DataStore;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.policy.PolicyStore;
import dev.signet.datastore.DataStoreException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access layer's REST API inside {@code signet-server} (Helidon SE, one virtual thread per request):
 * {@code /health}, {@code /live}, {@code /ready} without authentication, and under {@code /api/v1} only for
 * callers with a JWT-SVID bearer token. Errors are {@code application/problem+json}.
 */
public final class AccessApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessApiServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String IDENTITY_PREFIX = "/api/v1/identities/";
  /** The OpenAPI document of this API, kept beside the code that implements it. */
  private static final JsonNode OPENAPI = loadOpenApi();

  private final WebServer server;

  private AccessApiServer(WebServer server) {
    this.server = server;
  }

  /** Starts listening; {@code ready} answers {@code /ready}. */
  public static AccessApiServer start(ServerConfig.AccessApiSettings settings, DataStore dataStore, BundleSource bundles,
      AuditTrail audit, PolicyStore policies, BooleanSupplier ready, Clock clock) {
    BearerAuthenticator authenticator = new BearerAuthenticator(bundles, settings.audiences(), clock);
    IdentitiesResource identities = new IdentitiesResource(dataStore);
    WebServer server = WebServer.builder().host(settings.bindAddress()).port(settings.bindPort())
        .routing(routing -> routes(routing, authenticator, identities, new AuditResource(audit),
            new PoliciesResource(policies), ready))
        .build().start();
    LOG.info("access api listening on {}:{}", settings.bindAddress(), server.port());
    return new AccessApiServer(server);
  }

  private static void routes(HttpRouting.Builder routing, BearerAuthenticator authenticator,
      IdentitiesResource identities, AuditResource audit, PoliciesResource policies, BooleanSupplier ready) {
    routing.get("/live", (req, res) -> json(res, 200, Map.of("status", "UP")))
        .get("/ready", (req, res) -> readiness(res, ready))
        .get("/health", (req, res) -> readiness(res, ready))
        .get("/api/v1/identities", (req, res) -> handle(req, res, authenticator, () ->
            identities.list(IdentitiesResource.ListQuery.parse(query(req, "spiffe_id_prefix", "parent_id",
                "selector", "page_size", "page_token")))))
        // The ID is one URL-encoded segment (or, unencoded, several): read it from the raw path.
        .get("/api/v1/identities/*", (req, res) -> handle(req, res, authenticator, () ->
            identities.get(URLDecoder.decode(req.path().rawPath().substring(IDENTITY_PREFIX.length()),
                StandardCharsets.UTF_8))))
        .post("/api/v1/policies/evaluate", (req, res) -> handle(req, res, authenticator, () ->
            policies.evaluate(body(req))))
        .get("/api/v1/openapi", (req, res) -> handle(req, res, authenticator, () -> OPENAPI))
        .get("/api/v1/audit", (req, res) -> handle(req, res, authenticator, () ->
            audit.query(query(req, "actor", "action", "outcome", "limit"))))
        .any("/api/v1/*", (req, res) -> handle(req, res, authenticator, () -> {
          throw Problem.notFound("no such resource: " + req.path().path());
        }));
  }

  /** {@code /ready} and {@code /health}: UP with 200 when the server can serve, else DOWN with 503. */
  private static void readiness(ServerResponse res, BooleanSupplier ready) {
    boolean up = ready.getAsBoolean();
    json(res, up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
  }

  private static byte[] body(ServerRequest req) {
    try (var in = req.content().inputStream()) {
      return in.readNBytes(PoliciesResource.MAX_BODY_BYTES + 1);
    } catch (IOException e) {
      throw Problem.badRequest("request body cannot be read: " + e.getMessage());
    }
  }

  private static JsonNode loadOpenApi() {
    try (var in = AccessApiServer.class.getResourceAsStream("openapi.json")) {
      return JSON.readTree(in);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("the access API's openapi.json is missing from the build", e);
    }
  }

  private static Map<String, Optional<String>> query(ServerRequest req, String... names) {
    Map<String, Optional<String>> values = new LinkedHashMap<>();
    for (String name : names) {
      values.put(name, req.query().first(name).asOptional());
    }
    return values;
  }

  /** Authenticates, runs {@code handler}, and renders its result or its problem. */
  private static void handle(ServerRequest req, ServerResponse res, BearerAuthenticator authenticator,
      Supplier<Object> handler) {
    try {
      authenticator.authenticate(req.headers().first(HeaderNames.AUTHORIZATION));
      json(res, 200, handler.get());
    } catch (Problem problem) {
      if (problem.status() == 401) {
        res.header(WWW_AUTHENTICATE, "Bearer realm=\"signet\"");
      }
      problem(res, problem.status(), problem.title(), problem.getMessage());
    } catch (DataStoreException e) {
      LOG.warn("access api: datastore failure on {}: {}", req.path().path(), e.getMessage());
      problem(res, 503, "Service Unavailable", "the datastore did not answer; retry later");
    }
  }

  private static void problem(ServerResponse res, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    send(res, status, PROBLEM_JSON, body);
  }

  private static void json(ServerResponse res, int status, Object body) {
    send(res, status, "application/json", body);
  }

  private static void send(ServerResponse res, int status, String contentType, Object body) {
    try {
      res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, contentType).send(JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }
}
