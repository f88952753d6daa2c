package dev.signet.server.federation;

import dev.signet.common.process.FatalErrors;
import dev.signet.ca.CaException;
import dev.signet.ca.x509.CredentialValidator;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.server.config.ServerConfig;
import dev.signet.server.endpoint.ServerTlsContexts;
import dev.signet.server.federation.acme.AcmeCertificates;
import dev.signet.server.federation.acme.AcmeKeyManager;
import dev.signet.server.federation.acme.TlsAlpnConnectionSelector;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This server's SPIFFE bundle endpoint ({@code federation.bundle_endpoint}): {@code GET} on any path answers
 * the trust domain's bundle as a SPIFFE bundle (JWKS with {@code spiffe_sequence} and
 * {@code spiffe_refresh_hint}) over TLS. Profile {@code https_spiffe} authenticates with the server's own
 * (rotating) SVID; {@code https_web} with a certificate and key from files, re-read every sync interval so
 * a renewed certificate is picked up without a restart, or with a certificate obtained from an ACME CA
 * ({@code acme {}}; {@link AcmeCertificates}), whose tls-alpn-01 challenges are answered on this same port.
 * No client certificate is asked for.
 */
public final class BundleEndpointServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BundleEndpointServer.class);

  /** How often an {@code acme} endpoint looks whether its certificate is due for renewal (or a retry). */
  static final Duration ACME_CHECK = Duration.ofSeconds(5);

  private final WebServer server;
  private final ScheduledExecutorService acmeLoop;

  private BundleEndpointServer(WebServer server, ScheduledExecutorService acmeLoop) {
    this.server = server;
    this.acmeLoop = acmeLoop;
  }

  /**
   * Starts serving {@code bundle} (read per request, so rotations show at once).
   *
   * @param serverSvid the server's SVID key manager, for {@code https_spiffe}
   * @param scheduler re-reads the {@code https_web} certificate files
   * @param dataDir where an {@code acme} endpoint keeps its account key and certificate
   * @param webTrust the Web PKI roots that authenticate an {@code acme} endpoint's ACME directory
   * @param clock decides when an {@code acme} certificate is renewed
   */
  public static BundleEndpointServer start(ServerConfig.BundleEndpointSettings settings, Supplier<Bundle> bundle,
      SvidKeyManager serverSvid, ScheduledExecutorService scheduler, Path dataDir, Supplier<SSLContext> webTrust,
      Clock clock) throws IOException {
    X509KeyManager keys = serverSvid;
    AcmeCertificates acme = null;
    if (settings.acme() != null) {
      AcmeKeyManager acmeKeys = new AcmeKeyManager();
      acme = new AcmeCertificates(settings.acme(), dataDir, acmeKeys, webTrust, clock);
      keys = acmeKeys;
    } else if (settings.profile().equals("https_web")) {
      SvidKeyManager files = new SvidKeyManager(servingCertificate(settings));
      keys = files;
      long every = settings.fileSyncInterval().toMillis();
      scheduler.scheduleWithFixedDelay(FatalErrors.PROCESS.guard("bundle endpoint certificate reload",
          () -> reload(settings, files)), every, every, TimeUnit.MILLISECONDS);
    }
    WebServerConfig.Builder builder = WebServer.builder().host(settings.address()).port(settings.port())
        .tls(Tls.builder().sslContext(ServerTlsContexts.of(keys, null)).clientAuth(TlsClientAuth.NONE).build())
        .routing(routing -> routing.get("/*", (req, res) -> res.status(Status.OK_200)
            .header(HeaderNames.CONTENT_TYPE, "application/json")
            .send(JwksCodec.encode(withHint(bundle.get(), settings)).getBytes(StandardCharsets.UTF_8))));
    if (acme != null) {
      builder.addConnectionSelector(new TlsAlpnConnectionSelector());
    }
    WebServer server = builder.build().start();
    LOG.info("bundle endpoint ({}{}) listening on https://{}:{}", settings.profile(), acme == null ? "" : ", acme",
        settings.address(), server.port());
    ScheduledExecutorService acmeLoop = null;
    if (acme != null) {
      // Orders block for minutes at worst (the CA validates at its pace): a thread of their own, started only
      // now that the port answers the CA's tls-alpn-01 validation.
      acmeLoop = Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("signet-bundle-endpoint-acme").daemon().factory());
      acmeLoop.scheduleWithFixedDelay(FatalErrors.PROCESS.guard("bundle endpoint acme certificate", acme::check),
          0, ACME_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }
    return new BundleEndpointServer(server, acmeLoop);
  }

  private static Bundle withHint(Bundle bundle, ServerConfig.BundleEndpointSettings settings) {
    return new Bundle(bundle.trustDomain(), bundle.x509Authorities(), bundle.jwtAuthorities(), bundle.sequenceNumber(),
        settings.refreshHint());
  }

  private static SvidKeyManager.KeyMaterial servingCertificate(ServerConfig.BundleEndpointSettings settings)
      throws IOException {
    try {
      SvidKeyManager.KeyMaterial material = new SvidKeyManager.KeyMaterial(
          PemCodec.decodePrivateKey(Files.readString(settings.keyFile(), StandardCharsets.US_ASCII)),
          PemCodec.decodeCertificates(Files.readString(settings.certFile(), StandardCharsets.US_ASCII)));
      // A pair caught mid-renewal (new certificate, old key) or an expired certificate is never served.
      CredentialValidator.validateKeyPair(material.chain().getFirst().getPublicKey(), material.privateKey());
      material.chain().getFirst().checkValidity();
      return material;
    } catch (IllegalArgumentException | CaException | CertificateException e) {
      throw new IOException("federation.bundle_endpoint serving_cert_file: " + e.getMessage(), e);
    }
  }

  private static void reload(ServerConfig.BundleEndpointSettings settings, SvidKeyManager keys) {
    try {
      keys.update(servingCertificate(settings));
    } catch (IOException | RuntimeException e) {
      LOG.error("bundle endpoint certificate {} not reloaded; the previous one stays in use: {}", settings.certFile(),
          e.getMessage());
    }
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    if (acmeLoop != null) {
      acmeLoop.shutdownNow(); // an order in flight is interrupted; the stored certificate stays for the next start
    }
    server.stop();
  }
}
