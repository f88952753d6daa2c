package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code bundle_endpoint { profile "https_web" { acme { ... } } }} against a real ACME CA, Let's Encrypt's pebble
 * (see {@link Pebble} for what it really checks): example.org's signet-server obtains a certificate for {@code
 * localhost} by answering pebble's tls-alpn-01 validation on its bundle endpoint's own port, serves its bundle with
 * it, keeps the account key and the certificate in {@code <data_dir>/bundle-acme}, and renews it before it expires;
 * partner.org's signet-server, whose only trust for the endpoint is pebble's root in {@code SSL_CERT_FILE}, federates
 * with example.org over {@code https_web}, before and after the renewal.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class AcmeBundleEndpointEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  /** Short, so that the renewal (after two thirds of the lifetime) happens within the test. */
  private static final Duration VALIDITY = Duration.ofSeconds(60);

  private final int endpointPort = Workspace.freePort();
  private final List<Workspace> workspaces = new ArrayList<>();

  @Override
  public List<Workspace> workspaces() {
    return workspaces;
  }

  @AfterAll
  void stopAll() {
    workspaces.forEach(Workspace::close);
  }

  @Test
  void theBundleEndpointServesAnAcmeCertificateThatAWebPkiPeerTrustsAndRenewsIt() throws Exception {
    Workspace homeSpace = new Workspace("acme-home");
    Workspace partnerSpace = new Workspace("acme-partner");
    workspaces.add(homeSpace);
    workspaces.add(partnerSpace);
    WebPki web = new WebPki(homeSpace.path("web-pki"));
    Pebble pebble = new Pebble(homeSpace, web, endpointPort, VALIDITY);
    Path pebbleRoot = partnerSpace.path("pebble-root.pem");
    Files.writeString(pebbleRoot, pebble.rootCertificate());

    // example.org reaches pebble's HTTPS API through the private Web PKI root, as a server reaches a private ACME CA
    SignetServer home = new SignetServer(homeSpace).withEnvironment(Map.of("SSL_CERT_FILE", web.rootCertificate()))
        .withServerBlocks("""
            federation {
                bundle_endpoint {
                    address = "127.0.0.1"
                    port = %d
                    profile "https_web" {
                        acme {
                            domain_name = "localhost"
                            email = "ops@example.org"
                            directory_url = "%s"
                            tos_accepted = true
                        }
                    }
                }
            }
            """.formatted(endpointPort, pebble.directoryUrl())).start();

    SSLContext trustingPebble = trusting(pebble.rootCertificate());
    X509Certificate first = Poll.value("an acme certificate for localhost on the bundle endpoint",
        Duration.ofSeconds(90), () -> served(trustingPebble));
    assertThat(first.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo("localhost"));
    assertThat(first.getIssuerX500Principal().getName()).as("issued by pebble, not self-signed").containsIgnoringCase("pebble");

    Path acmeDir = home.dataDir().resolve("bundle-acme");
    assertThat(stored(acmeDir)).as("the served certificate is the stored one").isEqualTo(first);
    for (String secret : List.of("account.key", "localhost.key", "localhost.crt")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(acmeDir.resolve(secret))))
          .as(secret).isEqualTo("rw-------");
    }

    SignetServer partner = new SignetServer(partnerSpace).withTrustDomain("partner.org")
        .withEnvironment(Map.of("SSL_CERT_FILE", pebbleRoot.toString())).withServerBlocks("""
            federation {
                federates_with "example.org" {
                    bundle_endpoint_url = "https://localhost:%d"
                    bundle_endpoint_profile "https_web" {}
                }
            }
            """.formatted(endpointPort)).start();
    assertThat(partner.admin("federation", "refresh", "-id", "example.org").requireOk().stdout())
        .contains("Bundle refreshed");
    assertThat(certificates(partner.admin("bundle", "list", "-id", "spiffe://example.org").requireOk()))
        .as("example.org's bundle arrived over https_web").isEqualTo(1);

    X509Certificate renewed = Poll.value("the acme certificate renewed before it expires", VALIDITY.multipliedBy(2),
        () -> served(trustingPebble).filter(c -> !c.getSerialNumber().equals(first.getSerialNumber())));
    assertThat(renewed.getNotAfter()).isAfter(first.getNotAfter());
    assertThat(stored(acmeDir)).as("the renewed certificate is stored").isEqualTo(renewed);

    home.admin("localauthority", "x509", "prepare").requireOk();
    assertThat(partner.admin("federation", "refresh", "-id", "example.org").requireOk().stdout())
        .contains("Bundle refreshed");
    assertThat(certificates(partner.admin("bundle", "list", "-id", "spiffe://example.org").requireOk()))
        .as("the new authority arrived over the renewed certificate").isEqualTo(2);
  }

  /** The leaf the bundle endpoint presents to a client that trusts pebble's root and checks the name localhost. */
  private Optional<X509Certificate> served(SSLContext trust) {
    try (SSLSocket socket = (SSLSocket) trust.getSocketFactory().createSocket("localhost", endpointPort)) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
      socket.startHandshake();
      Certificate leaf = socket.getSession().getPeerCertificates()[0];
      return Optional.of((X509Certificate) leaf);
    } catch (IOException e) {
      return Optional.empty(); // no certificate yet (the handshake fails), or not one that chains to pebble
    }
  }

  private static X509Certificate stored(Path acmeDir) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(Files.readAllBytes(acmeDir.resolve("localhost.crt")))).iterator().next();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new AssertionError("the stored certificate is unreadable", e);
    }
  }

  private static SSLContext trusting(String pemRoot) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setCertificateEntry("root", CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(pemRoot.getBytes(StandardCharsets.US_ASCII))));
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }

  private static int certificates(CommandResult pem) {
    return pem.stdout().split("BEGIN CERTIFICATE", -1).length - 1;
  }
}
