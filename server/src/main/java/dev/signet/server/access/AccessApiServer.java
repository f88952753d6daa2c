package dev.signet.server.access;

import dev.signet.common.logging.LogFields;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.ca.CaException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
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
import dev.signet.server.ratelimit.PerKeyRateLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
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
  private final Set<TrustDomain> allowedTrustDomains;
  private final Set<SpiffeId> decisionClients;
  private final PerKeyRateLimiter unauthenticatedRecords;
  private WebServer server;

  private AccessApiServer(ServerConfig.AccessApiSettings settings, AccessApiContext context) {
    this.context = context;
    this.allowedTrustDomains = Set.copyOf(settings.allowedTrustDomains());
    this.decisionClients = Set.copyOf(settings.decisionClients());
    this.unauthenticatedRecords = new PerKeyRateLimiter(UNAUTHENTICATED_RECORDS_PER_SECOND, context.clock());
    this.authenticator = new CallerAuthenticator(context.bundles(), settings.audiences(), context.clock());
    this.audit = new RestAudit(context.audit(), context.auditFailClosed());
  }

  /** Starts listening on {@code settings}' address. */
  public static AccessApiServer start(ServerConfig.AccessApiSettings settings, AccessApiContext context) {
    AccessApiServer api = new AccessApiServer(settings, context);
    WebServerConfig.Builder builder = WebServer.builder().host(settings.bindAddress()).port(settings.bindPort())
        .routing(api::routes);
    if (context.tls() != null) {
      // Client certificates are asked for, not required: callers without one use a bearer token.
      builder.tls(Tls.builder().sslContext(context.tls()).enabledProtocols(List.of("TLSv1.3"))
          .clientAuth(TlsClientAuth.OPTIONAL).build());
    }
    api.server = builder.build().start();
    LOG.info("access api listening on {}://{}:{}", context.tls() == null ? "http" : "https", settings.bindAddress(),
        api.server.port());
    return api;
  }

  private void routes(HttpRouting.Builder routing) {
    IdentitiesResource identities = new IdentitiesResource(context.dataStore(), context.trust());
    AuditResource auditQuery = new AuditResource(context.audit());
    PoliciesResource policies = new PoliciesResource(context.policies(), context.trust(), audit, context.metrics(),
        caller -> decisionClients.contains(caller) || context.adminIds().contains(caller));
    TrustResource trust = new TrustResource(context.trust());
    RotationResource rotation = new RotationResource(context.dataStore(), context.ca());
    routing.get("/live", (req, res) -> json(res, 200, Map.of("status", "UP")))
        .get("/ready", (req, res) -> readiness(res))
        .get("/health", (req, res) -> readiness(res))
        .get("/metrics", (req, res) -> handle(req, res, "/metrics", Access.ANY, Audit.NONE, caller -> METRICS))
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
            Access.ADMIN, Audit.CALL, caller -> rotation.prepare(body(req))))
        .get("/api/v1/openapi", (req, res) -> handle(req, res, "/api/v1/openapi", Access.ANY, Audit.NONE,
            caller -> OPENAPI))
        .get("/api/v1/audit", (req, res) -> handle(req, res, "/api/v1/audit", Access.ADMIN, Audit.CALL,
            caller -> auditQuery.query(query(req, "actor", "action", "outcome", "limit"))))
        .any("/api/v1/*", (req, res) -> handle(req, res, "/api/v1/*", Access.ANY, Audit.NONE, caller -> {
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

  /** What the trail records of a call: nothing (the resource records it itself), or its outcome. */
  private enum Audit { NONE, CALL }

  /** Audit records of unauthenticated refusals per source address and second. */
  public static final int UNAUTHENTICATED_RECORDS_PER_SECOND = 10;

  private static String sourceOf(ServerRequest req) {
    return req.remotePeer().address() instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress() : "unknown";
  }

  /** A handler's answer meaning "the Prometheus exposition" ({@code /metrics}). */
  private static final Object METRICS = new Object();

  /**
   * A change, checked and described before it runs: the trail gets "started" with the description before
   * {@code run} and the outcome after, so nothing changes without a trace. Under fail-closed both are forced
   * and anchored; the change is refused (503) when "started" cannot be written, and not acknowledged (503)
   * when its outcome cannot be, which the trail then owes ({@link RestAudit#changeOutcome}).
   */
  record Mutation(String description, Supplier<Object> run) {}

  /** Authenticates, authorizes, audits, runs {@code handler} and renders its result or its problem. */
  private void handle(ServerRequest req, ServerResponse res, String route, Access access, Audit auditing,
      Function<SpiffeId, Object> handler) {
    long started = System.nanoTime();
    String method = req.prologue().method().text();
    // Only the route template, never the raw path: the trail's size is not the caller's to choose.
    String action = "REST " + method + " " + route;
    String requestId = RestAudit.newRequestId();
    String actor = "unauthenticated";
    String description = "";
    boolean changeFailed = false;
    int status = 200;
    try {
      SpiffeId caller = authenticator.authenticate(req);
      actor = caller.toString();
      if (!allowedTrustDomains.contains(caller.trustDomain())) {
        throw Problem.forbidden("callers from trust domain \"" + caller.trustDomain() + "\" may not use the access API "
            + "(access_api.allowed_trust_domains)");
      }
      if (access == Access.ADMIN && !context.adminIds().contains(caller)) {
        throw Problem.forbidden("\"" + caller + "\" is not an admin of the access API (access_api.admin_ids)");
      }
      Object result = handler.apply(caller);
      if (result instanceof Mutation mutation) {
        description = mutation.description();
        audit.intent(actor, action, description, requestId);
        try {
          result = mutation.run().get();
        } catch (RuntimeException e) {
          changeFailed = true; // its outcome is the refusal, written by refuse() as the change's outcome
          throw e;
        }
        audit.changeOutcome(actor, action, "ok", description, requestId);
      } else if (auditing == Audit.CALL) {
        audit.recordOutcome(actor, action, "ok", "", requestId);
      }
      if (result == METRICS) {
        send(res, 200, PROMETHEUS_TEXT, context.metrics().scrape().getBytes(StandardCharsets.UTF_8));
      } else {
        json(res, 200, result);
      }
    } catch (Problem | DataStoreException | CaException e) {
      Problem problem = Problem.of(e);
      status = problem.status();
      refuse(req, res, problem, actor, action, auditing != Audit.NONE || !description.isEmpty(), description,
          requestId, changeFailed);
    } catch (RuntimeException e) {
      LOG.error("access api: {} failed", action, e);
      status = 500;
      refuse(req, res, new Problem(500, "Internal Server Error", "the request failed on the server; see its log"),
          actor, action, true, description, requestId, changeFailed);
    } finally {
      String methodTag = method.equals("GET") || method.equals("POST") ? method : "other";
      context.metrics().request(methodTag, route, status, System.nanoTime() - started);
    }
  }

  private void refuse(ServerRequest req, ServerResponse res, Problem problem, String actor, String action,
      boolean audited, String description, String requestId, boolean changeFailed) {
    // Unauthenticated refusals are recorded too, but an anonymous flood must not fill the disk: at most
    // UNAUTHENTICATED_RECORDS_PER_SECOND per source address; the rest are only counted in the metrics.
    boolean floodGuarded = problem.status() == 401 && !unauthenticatedRecords.tryAcquire(sourceOf(req), 1);
    if (!floodGuarded && (problem.status() == 401 || problem.status() == 403)) {
      // One line per refusal, under the same per-source bound as the trail: an anonymous flood is counted,
      // not logged. The detail names the reason; a bearer token is never part of it.
      LOG.atWarn().addKeyValue(LogFields.HTTP_STATUS, problem.status()).addKeyValue(LogFields.METHOD, action)
          .addKeyValue(LogFields.CALLER, actor).addKeyValue(LogFields.CALLER_ADDRESS, sourceOf(req))
          .log("access api refused: {}", problem.getMessage());
    }
    if (floodGuarded) {
      context.metrics().unauditedRefusal();
    } else if (audited || problem.status() == 401 || problem.status() == 403) {
      String reason = description.isEmpty() ? problem.getMessage() : description + ": " + problem.getMessage();
      if (changeFailed) {
        try {
          audit.changeOutcome(actor, action, Integer.toString(problem.status()), reason, requestId);
        } catch (Problem unrecorded) {
          LOG.error("access api: the failed change {} is answered {} but its outcome is owed to the audit trail",
              action, problem.status());
        }
      } else {
        audit.recordOutcome(actor, action, Integer.toString(problem.status()), reason, requestId);
      }
    }
    if (problem.status() == 401) {
      res.header(WWW_AUTHENTICATE, "Bearer realm=\"signet\"");
    }
    problem(res, problem.status(), problem.title(), problem.getMessage());
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
