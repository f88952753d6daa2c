package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchCreateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchUpdateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.GetFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.RefreshBundleRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.TrustDomainGrpc;
import dev.signet.proto.spire.api.types.FederationRelationship;
import dev.signet.proto.spire.api.types.FederationRelationshipMask;
import dev.signet.proto.spire.api.types.HTTPSSPIFFEProfile;
import dev.signet.proto.spire.api.types.HTTPSWebProfile;
import dev.signet.proto.spire.api.types.X509Certificate;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/**
 * The TrustDomain API: federation relationship CRUD for admins, and RefreshBundle fetching a foreign
 * bundle from a real HTTPS bundle endpoint that is authenticated by SPIFFE ID ({@code https_spiffe}).
 */
class TrustDomainApiTest extends SharedServerTest {
  private TrustDomainGrpc.TrustDomainBlockingStub admin() {
    return TrustDomainGrpc.newBlockingStub(fixture.admin).withDeadlineAfter(20, TimeUnit.SECONDS);
  }

  private static TestCertificate.Issued ca(String trustDomain) {
    return TestCertificate.ca(trustDomain).validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400))
        .issue();
  }

  private static dev.signet.proto.spire.api.types.Bundle bundleOf(String trustDomain, TestCertificate.Issued... cas) {
    var bundle = dev.signet.proto.spire.api.types.Bundle.newBuilder().setTrustDomain(trustDomain);
    try {
      for (TestCertificate.Issued ca : cas) {
        bundle.addX509Authorities(X509Certificate.newBuilder()
            .setAsn1(ByteString.copyFrom(ca.certificate().getEncoded())));
      }
    } catch (CertificateEncodingException e) {
      throw new AssertionError(e);
    }
    return bundle.build();
  }

  private static FederationRelationship.Builder web(String trustDomain, String url) {
    return FederationRelationship.newBuilder().setTrustDomain(trustDomain).setBundleEndpointUrl(url)
        .setHttpsWeb(HTTPSWebProfile.getDefaultInstance());
  }

  private int createStatus(FederationRelationship relationship) {
    return admin().batchCreateFederationRelationship(BatchCreateFederationRelationshipRequest.newBuilder()
        .addFederationRelationships(relationship).build()).getResults(0).getStatus().getCode();
  }

  @Test
  void relationshipsAreCreatedReadUpdatedListedAndDeleted() {
    var bundle = bundleOf("crud.test", ca("crud.test"));
    assertThat(createStatus(web("crud.test", "https://crud.test/bundle").setTrustDomainBundle(bundle).build()))
        .isZero();

    FederationRelationship got = admin().getFederationRelationship(
        GetFederationRelationshipRequest.newBuilder().setTrustDomain("crud.test").build());
    assertThat(got.getBundleEndpointUrl()).isEqualTo("https://crud.test/bundle");
    assertThat(got.hasHttpsWeb()).isTrue();
    assertThat(got.getTrustDomainBundle().getX509Authorities(0)).isEqualTo(bundle.getX509Authorities(0));

    var updated = admin().batchUpdateFederationRelationship(BatchUpdateFederationRelationshipRequest.newBuilder()
        .addFederationRelationships(FederationRelationship.newBuilder().setTrustDomain("crud.test")
            .setBundleEndpointUrl("https://other.crud.test/b")
            .setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder().setEndpointSpiffeId("spiffe://crud.test/endpoint")))
        .setInputMask(FederationRelationshipMask.newBuilder().setBundleEndpointUrl(true))
        .build()).getResults(0);
    assertThat(updated.getStatus().getCode()).isZero();
    assertThat(updated.getFederationRelationship().getBundleEndpointUrl()).isEqualTo("https://other.crud.test/b");
    assertThat(updated.getFederationRelationship().hasHttpsWeb()).as("profile outside the input mask").isTrue();

    assertThat(admin().listFederationRelationships(ListFederationRelationshipsRequest.getDefaultInstance())
        .getFederationRelationshipsList()).extracting(FederationRelationship::getTrustDomain).contains("crud.test");

    var deleted = admin().batchDeleteFederationRelationship(BatchDeleteFederationRelationshipRequest.newBuilder()
        .addTrustDomains("crud.test").build()).getResults(0);
    assertThat(deleted.getStatus().getCode()).isZero();
    assertThatThrownBy(() -> admin().getFederationRelationship(
        GetFederationRelationshipRequest.newBuilder().setTrustDomain("crud.test").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
    assertThat(fixture.adminBundles().getFederatedBundle(
        GetFederatedBundleRequest.newBuilder().setTrustDomain("crud.test").build()).getX509AuthoritiesCount())
        .as("the bundle outlives the relationship").isEqualTo(1);
  }

  @Test
  void badRelationshipsAreRefusedByNameAndNothingIsStored() {
    assertThat(createStatus(web("dup.test", "https://dup.test/").build())).isZero();
    assertThat(createStatus(web("dup.test", "https://dup2.test/").build())).isEqualTo(Status.Code.ALREADY_EXISTS.value());
    assertThat(createStatus(web(ServerFixture.TD.name(), "https://x.test/").build()))
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(createStatus(web("plain.test", "http://plain.test/").build())).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(createStatus(web("Upper.test", "https://upper.test/").build())).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(createStatus(FederationRelationship.newBuilder().setTrustDomain("noprofile.test")
        .setBundleEndpointUrl("https://noprofile.test/").build())).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(createStatus(FederationRelationship.newBuilder().setTrustDomain("badid.test")
        .setBundleEndpointUrl("https://badid.test/")
        .setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder().setEndpointSpiffeId("spiffe://badid.test/../x")).build()))
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(createStatus(web("mismatch.test", "https://mismatch.test/")
        .setTrustDomainBundle(bundleOf("else.test", ca("else.test"))).build()))
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());

    assertThat(admin().listFederationRelationships(ListFederationRelationshipsRequest.getDefaultInstance())
        .getFederationRelationshipsList()).extracting(FederationRelationship::getTrustDomain)
        .doesNotContain(ServerFixture.TD.name(), "plain.test", "noprofile.test", "badid.test", "mismatch.test");
    assertThat(admin().getFederationRelationship(GetFederationRelationshipRequest.newBuilder()
        .setTrustDomain("dup.test").build()).getBundleEndpointUrl()).isEqualTo("https://dup.test/");
  }

  @Test
  void refreshBundleFetchesTheBundleFromAnHttpsSpiffeEndpoint() throws Exception {
    TestCertificate.Issued oldCa = ca("fed.test");
    TestCertificate.Issued newCa = ca("fed.test");
    String served = JwksCodec.encode(BundleProtos.fromProto(bundleOf("fed.test", oldCa, newCa)));
    HttpsServer endpoint = bundleEndpoint(leaf("spiffe://fed.test/bundle-endpoint", oldCa), served);
    try {
      String url = "https://localhost:" + endpoint.getAddress().getPort() + "/";
      assertThat(createStatus(FederationRelationship.newBuilder().setTrustDomain("fed.test").setBundleEndpointUrl(url)
          .setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder().setEndpointSpiffeId("spiffe://fed.test/bundle-endpoint"))
          .setTrustDomainBundle(bundleOf("fed.test", oldCa)).build())).isZero();

      admin().refreshBundle(RefreshBundleRequest.newBuilder().setTrustDomain("fed.test").build());

      Bundle stored = BundleProtos.fromProto(fixture.adminBundles().getFederatedBundle(
          GetFederatedBundleRequest.newBuilder().setTrustDomain("fed.test").build()));
      assertThat(stored.trustDomain()).isEqualTo(TrustDomain.parse("fed.test"));
      assertThat(stored.x509Authorities()).extracting(a -> a.certificate())
          .containsExactlyInAnyOrder(oldCa.certificate(), newCa.certificate());
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  void refreshBundleRefusesAnEndpointWithTheWrongSpiffeIdAndKeepsTheStoredBundle() throws Exception {
    TestCertificate.Issued ca = ca("imp.test");
    TestCertificate.Issued attackerCa = ca("imp.test");
    HttpsServer impostor = bundleEndpoint(leaf("spiffe://imp.test/not-the-endpoint", ca),
        JwksCodec.encode(BundleProtos.fromProto(bundleOf("imp.test", attackerCa))));
    HttpsServer untrusted = bundleEndpoint(leaf("spiffe://imp.test/bundle-endpoint", attackerCa),
        JwksCodec.encode(BundleProtos.fromProto(bundleOf("imp.test", attackerCa))));
    try {
      for (HttpsServer server : List.of(impostor, untrusted)) {
        String url = "https://localhost:" + server.getAddress().getPort() + "/";
        admin().batchDeleteFederationRelationship(BatchDeleteFederationRelationshipRequest.newBuilder()
            .addTrustDomains("imp.test").build());
        assertThat(createStatus(FederationRelationship.newBuilder().setTrustDomain("imp.test").setBundleEndpointUrl(url)
            .setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder().setEndpointSpiffeId("spiffe://imp.test/bundle-endpoint"))
            .setTrustDomainBundle(bundleOf("imp.test", ca)).build())).isZero();

        assertThatThrownBy(() -> admin().refreshBundle(RefreshBundleRequest.newBuilder().setTrustDomain("imp.test").build()))
            .isInstanceOf(StatusRuntimeException.class)
            .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAVAILABLE))
            .hasMessageContaining("imp.test");

        Bundle stored = BundleProtos.fromProto(fixture.adminBundles().getFederatedBundle(
            GetFederatedBundleRequest.newBuilder().setTrustDomain("imp.test").build()));
        assertThat(stored.x509Authorities()).extracting(a -> a.certificate()).containsExactly(ca.certificate());
      }
    } finally {
      impostor.stop(0);
      untrusted.stop(0);
    }
  }

  @Test
  void refreshBundleWithoutARelationshipIsNotFound() {
    assertThatThrownBy(() -> admin().refreshBundle(RefreshBundleRequest.newBuilder().setTrustDomain("none.test").build()))
        .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private static TestCertificate.Issued leaf(String spiffeId, TestCertificate.Issued issuer) {
    return TestCertificate.leaf(spiffeId, issuer).validity(Instant.now().minusSeconds(60),
        Instant.now().plusSeconds(3600)).issue();
  }

  /** A SPIFFE bundle endpoint on loopback: HTTPS with {@code svid}, serving {@code jwks} at "/". */
  private static HttpsServer bundleEndpoint(TestCertificate.Issued svid, String jwks) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("svid", svid.keyPair().getPrivate(), new char[0],
        new java.security.cert.Certificate[] {svid.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(tls));
    server.createContext("/", exchange -> {
      byte[] body = jwks.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }
}
