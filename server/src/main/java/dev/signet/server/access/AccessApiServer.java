package dev.signet.server.access;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.ca.CaException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.server.config.ServerConfig;
import dev.signet.datastore.DataStoreException;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access layer's REST API inside {@code signet-server} (Helidon SE, one virtual thread per request):
 * {@code /health}, {@code /live}, {@code /ready} without authentication; {@code /metrics} and everything
 * under {@code /api/v1} only for callers with a JWT-SVID bearer token (401 otherwise), the mutating
 * endpoints and the audit trail only for {@code admin_ids} (403 otherwise). Calls, refusals and policy
 * decisions go into the audit trail. Errors are {@code application/problem+json}.
 */
public final class AccessApiServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AccessApiServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HeaderName WWW_AUTHENTICATE = HeaderNames.create("WWW-Authenticate");
  private static final String PROBLEM_JSON = "application/problem+json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String IDENTITY_PREFIX = "/api/v1/identities/";
  /** The OpenAPI document of this API, kept beside the code that implements it. */
  private static final JsonNode OPENAPI = loadOpenApi();

  private final AccessApiContext context;
  private final CallerAuthenticator authenticator;
  private final RestAudit audit;
  private WebServer server;

  private AccessApiServer(List<String> audiences, AccessApiContext context) {
    this.context = context;
    this.authenticator = new CallerAuthenticator(context.bundles(), audiences, context.clock());
    this.audit = new RestAudit(context.audit(), context.auditFailClosed());
  }

  /** Starts listening on {@code settings}' address. */
  public static AccessApiServer start(ServerConfig.AccessApiSettings settings, AccessApiContext context) {
    AccessApiServer api = new AccessApiServer(settings.audiences(), context);
    WebServerConfig.Builder builder = WebServer.builder().host(settings.bindAddress()).port(settings.bindPort())
        .routing(api::routes);
    if (context.tls() != null) {
      // Client certificates are asked for, not required: callers without one use a bearer token.
      builder.tls(Tls.builder().sslContext(context.tls()).clientAuth(TlsClientAuth.OPTIONAL).build());
    }
    api.server = builder.build().start();
    LOG.info("access api listening on {}://{}:{}", context.tls() == null ? "http" : "https", settings.bindAddress(),
        api.server.port());
    return api;
  }

  private void routes(HttpRouting.Builder routing) {
    IdentitiesResource identities = new IdentitiesResource(context.dataStore(), context.trust());
    AuditResource auditQuery = new AuditResource(context.audit());
    PoliciesResource policies = new PoliciesResource(context.policies(), context.trust(), audit, context.metrics());
    TrustResource trust = new TrustResource(context.trust());
    RotationResource rotation = new RotationResource(context.dataStore(), context.ca());
    routing.get("/live", (req, res) -> json(res, 200, Map.of("status", "UP")))
        .get("/ready", (req, res) -> readiness(res))
        .get("/health", (req, res) -> readiness(res))
        .get("/metrics", (req, res) -> handle(req, res, "/metrics", Access.ANY, Audit.NONE, caller -> null))
        .get("/api/v1/identities", (req, res) -> handle(req, res, "/api/v1/identities", Access.ANY, Audit.CALL,
            caller -> identities.list(IdentitiesResource.ListQuery.parse(query(req, "spiffe_id_prefix", "parent_id",
                "selector", "page_size", "page_token")))))
        // The ID is one URL-encoded segment (or, unencoded, several): read it from the raw path.
        .get("/api/v1/identities/*", (req, res) -> handle(req, res, "/api/v1/identities/{id}", Access.ANY,
            Audit.CALL, caller -> identities.get(URLDecoder.decode(
                req.path().rawPath().substring(IDENTITY_PREFIX.length()), StandardCharsets.UTF_8))))
        .get("/api/v1/trust/score", (req, res) -> handle(req, res, "/api/v1/trust/score", Access.ANY, Audit.CALL,
            caller -> trust.score(req.query().first("identity").asOptional())))
        // Each decision is audited as such by the resource.
        .post("/api/v1/policies/evaluate", (req, res) -> handle(req, res, "/api/v1/policies/evaluate", Access.ANY,
            Audit.NONE, caller -> policies.evaluate(caller, body(req))))
        .post("/api/v1/certificates/rotate", (req, res) -> handle(req, res, "/api/v1/certificates/rotate",
            Access.ADMIN, Audit.MUTATION, caller -> rotation.rotate(RotationResource.parse(body(req)))))
        .get("/api/v1/openapi", (req, res) -> handle(req, res, "/api/v1/openapi", Access.ANY, Audit.NONE,
            caller -> OPENAPI))
        .get("/api/v1/audit", (req, res) -> handle(req, res, "/api/v1/audit", Access.ADMIN, Audit.NONE,
            caller -> auditQuery.query(query(req, "actor", "action", "outcome", "limit"))))
        .any("/api/v1/*", (req, res) -> handle(req, res, "other", Access.ANY, Audit.NONE, caller -> {
          throw Problem.notFound("no such resource: " + req.path().path());
        }));
  }

  /** {@code /ready} and {@code /health}: UP with 200 when the server can serve, else DOWN with 503. */
  private void readiness(ServerResponse res) {
    boolean up = context.ready().getAsBoolean();
    json(res, up ? 200 : 503, Map.of("status", up ? "UP" : "DOWN"));
  }

  private static byte[] body(ServerRequest req) {
    try (var in = req.content().inputStream()) {
      return in.readNBytes(RequestInputs.MAX_BODY_BYTES + 1);
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

  /** Who may call a route. */
  private enum Access { ANY, ADMIN }

  /** What the trail records of a call: nothing, its outcome, or (mutations) its start and its outcome. */
  private enum Audit { NONE, CALL, MUTATION }

  /**
   * Authenticates, authorizes, audits, runs {@code handler} and renders its result or its problem. A null
   * result means the Prometheus exposition ({@code /metrics}).
   */
  private void handle(ServerRequest req, ServerResponse res, String route, Access access, Audit auditing,
      Function<SpiffeId, Object> handler) {
    long started = System.nanoTime();
    String action = "REST " + req.prologue().method().text() + " " + req.path().path();
    String requestId = RestAudit.newRequestId();
    String actor = "unauthenticated";
    int status = 200;
    try {
      SpiffeId caller = authenticator.authenticate(req);
      actor = caller.toString();
      if (access == Access.ADMIN && !context.adminIds().contains(caller)) {
        throw Problem.forbidden("\"" + caller + "\" is not an admin of the access API (access_api.admin_ids)");
      }
      if (auditing == Audit.MUTATION) {
        audit.record(actor, action, "started", "", requestId);
      }
      Object result = handler.apply(caller);
      if (result == null) {
        send(res, 200, PROMETHEUS_TEXT, context.metrics().scrape().getBytes(StandardCharsets.UTF_8));
      } else {
        json(res, 200, result);
      }
      if (auditing != Audit.NONE) {
        audit.recordOutcome(actor, action, "ok", "", requestId);
      }
    } catch (Problem problem) {
      status = problem.status();
      refuse(res, problem, actor, action, auditing, requestId);
    } catch (DataStoreException e) {
      LOG.warn("access api: datastore failure on {}: {}", req.path().path(), e.getMessage());
      status = 503;
      refuse(res, Problem.unavailable("the datastore did not answer; retry later"), actor, action, auditing, requestId);
    } catch (CaException e) {
      Problem problem = caProblem(e);
      status = problem.status();
      refuse(res, problem, actor, action, auditing, requestId);
    } finally {
      context.metrics().request(req.prologue().method().text(), route, status, System.nanoTime() - started);
    }
  }

  private void refuse(ServerResponse res, Problem problem, String actor, String action, Audit auditing,
      String requestId) {
    if (auditing != Audit.NONE || problem.status() == 401 || problem.status() == 403) {
      audit.recordOutcome(actor, action, Integer.toString(problem.status()), problem.getMessage(), requestId);
    }
    if (problem.status() == 401) {
      res.header(WWW_AUTHENTICATE, "Bearer realm=\"signet\"");
    }
    problem(res, problem.status(), problem.title(), problem.getMessage());
  }

  private static Problem caProblem(CaException e) {
    return switch (e.kind()) {
      case INVALID_ARGUMENT -> Problem.badRequest(e.getMessage());
      case NOT_FOUND -> Problem.notFound(e.getMessage());
      case FAILED_PRECONDITION -> new Problem(409, "Conflict", e.getMessage());
      case UNAVAILABLE -> Problem.unavailable(e.getMessage());
      case INTERNAL -> new Problem(500, "Internal Server Error", e.getMessage());
    };
  }

  private static void problem(ServerResponse res, int status, String title, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    try {
      send(res, status, PROBLEM_JSON, JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void json(ServerResponse res, int status, Object body) {
    try {
      send(res, status, "application/json", JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void send(ServerResponse res, int status, String contentType, byte[] body) {
    res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, contentType).send(body);
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
