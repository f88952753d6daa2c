package dev.signet.gateway.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.time.ManualClock;
import dev.signet.server.audit.AuditAnchor;
import dev.signet.server.audit.AuditKey;
import dev.signet.server.audit.AuditTrail;
import dev.signet.server.audit.AuditVerifier;
import dev.signet.server.policy.PolicyEngine;
import dev.signet.server.policy.PolicyFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decision chain: policy files in process, the short cache, the hash-chained audit trail. */
class AuthorizersTest {
  private static final SpiffeId WEB = SpiffeId.parse("spiffe://example.org/web");
  private static final SpiffeId BATCH = SpiffeId.parse("spiffe://example.org/batch");
  @TempDir Path dir;

  private PolicyEngine engine() throws Exception {
    Path policies = Files.createDirectories(dir.resolve("policies"));
    Files.writeString(policies.resolve("gateway.yaml"), """
        policies:
          - name: orders
            rules:
              - id: web-reads
                effect: allow
                principals: ["spiffe://example.org/web"]
                actions: ["GET"]
                resources: ["/orders/*"]
              - id: no-admin
                effect: deny
                principals: ["*"]
                actions: ["*"]
                resources: ["/orders/admin*"]
              - id: db
                effect: allow
                principals: ["td:example.org"]
                actions: ["connect"]
                resources: ["db"]
                condition: "context.route == 'db'"
        """);
    return new PolicyEngine(PolicyFiles.load(policies));
  }

  private static AccessDecision ask(Authorizer authorizer, AccessRequest request) {
    return authorizer.decide(request).toCompletableFuture().join();
  }

  @Test
  void thePolicyEngineDecidesWithTheSameRulesAsTheAccessApi() throws Exception {
    PolicyEngine engine = engine();
    Authorizer policy = new PolicyAuthorizer(() -> engine);
    assertThat(ask(policy, new AccessRequest("api", WEB, "GET", "/orders/1")).allowed()).isTrue();
    assertThat(ask(policy, new AccessRequest("api", WEB, "POST", "/orders/1")).allowed()).isFalse();
    assertThat(ask(policy, new AccessRequest("api", WEB, "GET", "/orders/admin")).reason()).contains("no-admin");
    assertThat(ask(policy, new AccessRequest("api", BATCH, "GET", "/orders/1")).allowed()).isFalse();
    assertThat(ask(policy, new AccessRequest("db", BATCH, "connect", "db")).allowed()).isTrue();
    assertThat(ask(policy, new AccessRequest("other", BATCH, "connect", "db")).allowed()).isFalse();
  }

  @Test
  void theCacheAnswersRepeatsUntilItsTtlRunsOut() {
    AtomicInteger asked = new AtomicInteger();
    AtomicLong now = new AtomicLong();
    Authorizer cached = new CachingAuthorizer(Authorizer.immediate(r -> new AccessDecision(asked.incrementAndGet() == 1, "n")),
        Duration.ofSeconds(1), 100, now::get);
    AccessRequest request = new AccessRequest("api", WEB, "GET", "/orders/1");
    assertThat(ask(cached, request).allowed()).isTrue();
    now.addAndGet(Duration.ofMillis(999).toNanos());
    assertThat(ask(cached, request).allowed()).isTrue();
    assertThat(asked).hasValue(1);
    now.addAndGet(Duration.ofMillis(2).toNanos());
    assertThat(ask(cached, request).allowed()).isFalse();
    assertThat(ask(cached, new AccessRequest("api", BATCH, "GET", "/orders/1")).allowed()).isFalse();
    assertThat(asked).hasValue(3);
  }

  @Test
  void aDenialWithoutAnAnswerIsNotRemembered() {
    AtomicInteger asked = new AtomicInteger();
    Authorizer cached = new CachingAuthorizer(Authorizer.immediate(r -> asked.incrementAndGet() == 1
        ? AccessDecision.unavailable("server down") : new AccessDecision(true, "back")),
        Duration.ofSeconds(1), 100, () -> 0L);
    AccessRequest request = new AccessRequest("api", WEB, "GET", "/orders/1");
    assertThat(ask(cached, request).allowed()).isFalse();
    assertThat(ask(cached, request).allowed()).isTrue();
    assertThat(ask(cached, request).allowed()).isTrue();
    assertThat(asked).hasValue(2);
  }

  @Test
  void everyDecisionIsAuditedInAChainThatVerifies() throws Exception {
    Path file = dir.resolve("audit.log");
    AuditKey key = AuditKey.loadOrCreate(dir.resolve("audit.key"));
    PolicyEngine engine = engine();
    try (AuditTrail trail = AuditTrail.open(file, key, AuditAnchor.none(), new ManualClock(Instant.EPOCH))) {
      Authorizer audited = new AuditingAuthorizer(new PolicyAuthorizer(() -> engine), trail);
      ask(audited, new AccessRequest("api", WEB, "GET", "/orders/1"));
      ask(audited, new AccessRequest("api", BATCH, "DELETE", "/orders/1"));
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("\"actor\":\"spiffe://example.org/web\"").contains("\"outcome\":\"allow\"")
        .contains("resource=/orders/1");
    assertThat(lines.get(1)).contains("\"actor\":\"spiffe://example.org/batch\"").contains("\"outcome\":\"deny\"");
    assertThat(AuditVerifier.verify(file, key, Optional.empty()).problem()).isEmpty();
  }

  @Test
  void aDecisionThatCannotBeAuditedIsADenial() throws Exception {
    AuditKey key = AuditKey.loadOrCreate(dir.resolve("audit.key"));
    AuditTrail trail = AuditTrail.open(dir.resolve("audit.log"), key, AuditAnchor.none(), new ManualClock(Instant.EPOCH));
    trail.close();
    AccessDecision decision = new AuditingAuthorizer(Authorizer.immediate(r -> new AccessDecision(true, "allowed")), trail)
        .decide(new AccessRequest("api", WEB, "GET", "/orders/1")).toCompletableFuture().join();
    assertThat(decision.allowed()).isFalse();
    assertThat(decision.reason()).contains("could not be audited");
  }
}
