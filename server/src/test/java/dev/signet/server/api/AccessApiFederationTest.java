package dev.signet.server.api;

import static dev.signet.server.api.AccessApiClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.server.config.ServerConfig;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * JWT-SVIDs of a federated trust domain that {@code access_api.allowed_trust_domains} lets in: accepted
 * when a key of that domain's federated bundle signed them, refused when the key is not in the bundle, or
 * when the token claims another trust domain than the bundle whose key signed it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessApiFederationTest {
  private static final TrustDomain PARTNER = TrustDomain.parse("partner.org");
  private static final String KEY_ID = "partner-key";

  private final KeyPair partnerKey = KeyType.EC_P256.generate();
  private ServerFixture fixture;
  private AccessApiClient client;

  @BeforeAll
  void start() throws Exception {
    fixture = new ServerFixture(List.of(), false, ServerConfig.FederationSettings.NONE,
        List.of(ServerFixture.TD, PARTNER));
    client = new AccessApiClient(fixture);
    TestCertificate.Issued ca = TestCertificate.ca(PARTNER.name()).validity(Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(3600)).issue();
    Bundle bundle = Bundle.empty(PARTNER).withX509Authority(ca.certificate())
        .withJwtAuthority(new JwtAuthority(KEY_ID, partnerKey.getPublic(), Instant.now().plusSeconds(3600), false));
    fixture.adminBundles().batchSetFederatedBundle(BatchSetFederatedBundleRequest.newBuilder()
        .addBundle(BundleProtos.toProto(bundle)).build());
  }

  @AfterAll
  void stop() {
    fixture.close();
  }

  private String bearer(String subject, String keyId, KeyPair key) throws JOSEException {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build(),
        new JWTClaimsSet.Builder().subject(subject).audience(AccessApiClient.AUDIENCE)
            .expirationTime(Date.from(fixture.clock.instant().plusSeconds(300))).build());
    jwt.sign(new ECDSASigner((ECPrivateKey) key.getPrivate()));
    return "Bearer " + jwt.serialize();
  }

  @Test
  void aTokenOfAnAllowedFederatedDomainSignedByItsBundlesKeyIsAccepted() throws Exception {
    String bearer = bearer("spiffe://partner.org/app", KEY_ID, partnerKey);
    HttpResponse<String> accepted = await().atMost(Duration.ofSeconds(10))
        .until(() -> client.get("/api/v1/identities", bearer), r -> r.statusCode() != 401);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
  }

  @Test
  void aTokenSignedByAKeyAbsentFromTheFederatedBundleIsRefused() throws Exception {
    KeyPair stranger = KeyType.EC_P256.generate();
    // Wait until the federated bundle is in use, so the refusals below are about the key, not timing.
    String good = bearer("spiffe://partner.org/app", KEY_ID, partnerKey);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.get("/api/v1/identities", good).statusCode() == 200);

    for (String bearer : List.of(
        bearer("spiffe://partner.org/app", KEY_ID, stranger), // the bundle's key ID, another key
        bearer("spiffe://partner.org/app", "absent-key", stranger), // a key ID the bundle does not have
        bearer("spiffe://partner.org/app", "absent-key", partnerKey))) { // the right key under another ID
      HttpResponse<String> refused = client.get("/api/v1/identities", bearer);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
      assertThat(json(refused).get("detail").asText()).contains("not a valid JWT-SVID");
    }
  }

  @Test
  void aFederatedKeyNeverVouchesForAnotherTrustDomain() throws Exception {
    for (String subject : List.of("spiffe://example.org/ops/console", "spiffe://other.org/app")) {
      HttpResponse<String> refused = client.get("/api/v1/identities", bearer(subject, KEY_ID, partnerKey));
      assertThat(refused.statusCode()).as(subject + ": " + refused.body()).isEqualTo(401);
    }
  }
}
