package dev.signet.server.api;

import static dev.signet.server.api.AccessApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Authenticated callers trying to do more than they may: lower another identity's trust score, pin memory
 * with huge names, blow up the metrics with made-up methods, or call in from a federated trust domain.
 */
class AccessApiAbuseTest extends SharedServerTest {
  private static final SpiffeId WORKLOAD = ServerFixture.TD.id("/abuse/workload");
  private static final SpiffeId VICTIM = ServerFixture.TD.id("/abuse/victim");

  private AccessApiClient client;

  @BeforeAll
  void setUpClient() throws Exception {
    client = new AccessApiClient(fixture);
  }

  private static String evaluate(SpiffeId identity, String resource) {
    return "{\"identity\":\"" + identity + "\",\"resource\":\"" + resource + "\",\"action\":\"read\"}";
  }

  @Test
  void onlyTheIdentityItselfAndDecisionClientsMayAskAboutIt() throws Exception {
    String workload = client.bearer(WORKLOAD, AccessApiClient.AUDIENCE);
    int before = json(client.get("/api/v1/trust/score?identity=" + VICTIM, workload)).get("score").asInt();
    HttpResponse<String> aboutOther = client.post("/api/v1/policies/evaluate", evaluate(VICTIM, "db"), workload);
    assertThat(aboutOther.statusCode()).isEqualTo(403);
    assertThat(json(aboutOther).get("detail").asText()).contains("decision_clients");
    assertThat(json(client.get("/api/v1/trust/score?identity=" + VICTIM, workload)).get("score").asInt())
        .as("the refused question left the victim's score alone").isEqualTo(before);

    assertThat(client.post("/api/v1/policies/evaluate", evaluate(WORKLOAD, "db"), workload).statusCode())
        .as("about itself").isEqualTo(200);
    assertThat(client.post("/api/v1/policies/evaluate", evaluate(VICTIM, "db"),
        client.bearer(ServerFixture.DECISION_CLIENT, AccessApiClient.AUDIENCE)).statusCode())
        .as("an enforcement point").isEqualTo(200);
  }

  @Test
  void namesLongerThanAKilobyteAreRefused() throws Exception {
    String workload = client.bearer(WORKLOAD, AccessApiClient.AUDIENCE);
    HttpResponse<String> response = client.post("/api/v1/policies/evaluate", evaluate(WORKLOAD, "r".repeat(1025)),
        workload);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("detail").asText()).contains("resource");
  }

  @Test
  void madeUpHttpMethodsShareOneMetricSeries() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    for (String method : new String[] {"FOO1", "FOO2", "FOO3"}) {
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.accessApiPort() + "/api/v1/x"))
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
    String metrics = client.get("/metrics", client.bearer(WORKLOAD, AccessApiClient.AUDIENCE)).body();
    assertThat(metrics).doesNotContain("FOO1").contains("method=\"other\"");
  }

  /** "e:" (an empty entry token) used to restart silently at page one; every token not issued is a 400. */
  @ParameterizedTest
  @CsvSource({"e:zzz, zzz", "e:, e:", "zzz, zzz", "a:zzz, zzz", "e:-5, -5", "e:0, 0", "a:1.5, 1.5"})
  void aPageTokenNotIssuedByTheApiIsABadRequestNamingIt(String token, String named) throws Exception {
    HttpResponse<String> response = client.get("/api/v1/identities?page_token=" + token,
        client.bearer(WORKLOAD, AccessApiClient.AUDIENCE));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json(response).get("detail").asText())
        .containsPattern("page.token \"" + java.util.regex.Pattern.quote(named) + "\"")
        .doesNotContain("Exception");
  }

  @Test
  void aValidTokenFromAFederatedTrustDomainIsNotAllowedUnlessConfigured() throws Exception {
    TrustDomain partner = TrustDomain.parse("partner.org");
    KeyPair key = KeyType.EC_P256.generate();
    TestCertificate.Issued ca = TestCertificate.ca("partner.org").validity(Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(3600)).issue();
    Bundle bundle = Bundle.empty(partner).withX509Authority(ca.certificate())
        .withJwtAuthority(new JwtAuthority("partner-key", key.getPublic(), Instant.now().plusSeconds(3600), false));
    fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(BundleProtos.toProto(bundle)).build());
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("partner-key").build(),
        new JWTClaimsSet.Builder().subject("spiffe://partner.org/app").audience(AccessApiClient.AUDIENCE)
            .expirationTime(Date.from(fixture.clock.instant().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
    String bearer = "Bearer " + jwt.serialize();

    HttpResponse<String> refused = await().atMost(Duration.ofSeconds(10))
        .until(() -> client.get("/api/v1/identities", bearer), r -> r.statusCode() != 401);
    assertThat(refused.statusCode()).as("authenticated through the federated bundle, then refused").isEqualTo(403);
    assertThat(json(refused).get("detail").asText()).contains("allowed_trust_domains");
  }

  @Test
  void anAnonymousFloodIsCountedButOnlyPartlyRecorded() throws Exception {
    int before = fixture.auditLines().size();
    for (int i = 0; i < 30; i++) {
      client.get("/api/v1/trust/score?identity=" + WORKLOAD, null);
    }
    long recorded = fixture.auditLines().stream().skip(before).filter(l -> l.contains("\"outcome\":\"401\"")).count();
    assertThat(recorded).as("the fixture's clock stands still: one bucket's worth")
        .isLessThanOrEqualTo(dev.signet.server.access.AccessApiServer.UNAUTHENTICATED_RECORDS_PER_SECOND);
    String metrics = client.get("/metrics", client.bearer(WORKLOAD, AccessApiClient.AUDIENCE)).body();
    assertThat(metrics).containsPattern("signet_access_unaudited_refusals_total (2[0-9]|3[0-9])\\.0");
  }
}
