package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.TestCertificate;
import dev.signet.datastore.FederationRelationship;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.federation.BundleEndpointClient;
import dev.signet.server.federation.BundleFetchException;
import dev.signet.server.federation.WebPkiTrust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * This server's SPIFFE bundle endpoint, fetched the way a federated server fetches it: https_spiffe with
 * the server's SVID (authenticated by SPIFFE ID, never by host name), and https_web with a certificate from
 * files; plus the federates_with relationships of the config landing in the datastore.
 */
class BundleEndpointTest {
  private static final FederationRelationship CONFIGURED = new FederationRelationship("partner.org",
      URI.create("https://bundles.partner.org/bundle.json"), FederationRelationship.HTTPS_WEB, null);

  private static ServerConfig.FederationSettings spiffeEndpoint() {
    return new ServerConfig.FederationSettings(new ServerConfig.BundleEndpointSettings("127.0.0.1", 0,
        Duration.ofMinutes(2), FederationRelationship.HTTPS_SPIFFE, null, null, null), List.of(CONFIGURED));
  }

  @Test
  void httpsSpiffeServesTheBundleWithItsRefreshHintToAClientThatChecksTheServersSpiffeId() throws Exception {
    try (ServerFixture fixture = new ServerFixture(List.of(), false, spiffeEndpoint())) {
      URI url = URI.create("https://127.0.0.1:" + fixture.bundleEndpointPort() + "/");
      BundleEndpointClient client = new BundleEndpointClient(td -> Optional.of(fixture.bundle()),
          WebPkiTrust.lazily(Map.of()), fixture.clock);
      Bundle served = client.fetch(new FederationRelationship("example.org", url, FederationRelationship.HTTPS_SPIFFE,
          ServerFixture.SERVER_ID));
      assertThat(served.x509Certificates()).containsExactlyElementsOf(fixture.bundle().x509Certificates());
      assertThat(served.jwtAuthorities()).extracting(BundleEndpointTest::jwk)
          .containsExactlyElementsOf(fixture.bundle().jwtAuthorities().stream().map(BundleEndpointTest::jwk).toList());
      assertThat(served.refreshHint()).isEqualTo(Duration.ofMinutes(2));

      assertThatThrownBy(() -> client.fetch(new FederationRelationship("example.org", url,
          FederationRelationship.HTTPS_SPIFFE, SpiffeId.parse("spiffe://example.org/not/the/server"))))
          .as("a client expecting another SPIFFE ID refuses the endpoint").isInstanceOf(BundleFetchException.class);
      assertThat(fixture.dataStore().fetchFederationRelationship("partner.org")).as("federates_with stored")
          .contains(CONFIGURED);
    }
  }

  /** A JWT authority as the bundle format carries it: key ID and key (no expiry). */
  private static String jwk(JwtAuthority authority) {
    return authority.keyId() + " " + HexFormat.of().formatHex(authority.publicKey().getEncoded());
  }

  @Test
  void httpsWebServesWithTheCertificateFromFiles() throws Exception {
    Instant now = Instant.now();
    TestCertificate.Issued ca = TestCertificate.ca("webpki.test").validity(now.minusSeconds(60), now.plusSeconds(3600))
        .issue();
    TestCertificate.Issued leaf = TestCertificate.leaf("spiffe://webpki.test/unused", ca).dnsNames("localhost")
        .validity(now.minusSeconds(60), now.plusSeconds(3600)).issue();
    Path dir = Files.createTempDirectory("signet-endpoint-cert");
    Files.writeString(dir.resolve("endpoint.crt"), PemCodec.encodeCertificates(List.of(leaf.certificate())));
    Files.writeString(dir.resolve("endpoint.key"), PemCodec.encodePrivateKey(leaf.keyPair().getPrivate()));
    ServerConfig.FederationSettings web = new ServerConfig.FederationSettings(new ServerConfig.BundleEndpointSettings(
        "127.0.0.1", 0, Duration.ofMinutes(5), FederationRelationship.HTTPS_WEB, dir.resolve("endpoint.crt"),
        dir.resolve("endpoint.key"), Duration.ofHours(1)), List.of());
    try (ServerFixture fixture = new ServerFixture(List.of(), false, web)) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(trust);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, factory.getTrustManagers(), null);
      HttpResponse<String> response = HttpClient.newBuilder().sslContext(tls).build().send(HttpRequest.newBuilder(
          URI.create("https://localhost:" + fixture.bundleEndpointPort() + "/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      Bundle served = JwksCodec.decode(ServerFixture.TD, response.body());
      assertThat(served.x509Certificates()).containsExactlyElementsOf(fixture.bundle().x509Certificates());
      assertThat(served.refreshHint()).isEqualTo(Duration.ofMinutes(5));

      // a federating server's client: the test CA is no JDK root, so only SSL_CERT_FILE (as Go reads it) admits it
      FederationRelationship relationship = new FederationRelationship(ServerFixture.TD.name(),
          URI.create("https://localhost:" + fixture.bundleEndpointPort() + "/"), FederationRelationship.HTTPS_WEB, null);
      assertThatThrownBy(() -> new BundleEndpointClient(td -> Optional.empty(), WebPkiTrust.lazily(Map.of()),
          fixture.clock).fetch(relationship)).as("jdk roots only").isInstanceOf(BundleFetchException.class);
      Files.writeString(dir.resolve("ca.pem"), PemCodec.encodeCertificates(List.of(ca.certificate())));
      Bundle fetched = new BundleEndpointClient(td -> Optional.empty(),
          WebPkiTrust.lazily(Map.of("SSL_CERT_FILE", dir.resolve("ca.pem").toString())), fixture.clock)
          .fetch(relationship);
      assertThat(fetched.x509Certificates()).containsExactlyElementsOf(fixture.bundle().x509Certificates());
      Bundle fromDir = new BundleEndpointClient(td -> Optional.empty(),
          WebPkiTrust.lazily(Map.of("SSL_CERT_DIR", "/nonexistent-is-not-listed-here:" + dir)), fixture.clock)
          .fetch(relationship);
      assertThat(fromDir.x509Certificates()).as("SSL_CERT_DIR: PEM files of the directory, others skipped")
          .containsExactlyElementsOf(fixture.bundle().x509Certificates());
      assertThatThrownBy(() -> new BundleEndpointClient(td -> Optional.empty(),
          WebPkiTrust.lazily(Map.of("SSL_CERT_FILE", dir.resolve("missing.pem").toString())), fixture.clock)
          .fetch(relationship)).as("an unreadable SSL_CERT_FILE fails the fetch, naming it")
          .isInstanceOf(BundleFetchException.class).hasMessageContaining("SSL_CERT_FILE").hasMessageContaining("missing.pem");
    }
  }
}
