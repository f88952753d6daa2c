package dev.signet.server.federation.acme;

import dev.signet.common.crypto.KeyType;
import dev.signet.common.tls.SvidKeyManager;
import dev.signet.server.config.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Login;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * Obtains one certificate for the bundle endpoint's domain from the configured ACME CA with acme4j (RFC 8555): the
 * account (registered under {@code email}, found again by its key), a new order, the tls-alpn-01 challenge of each
 * pending authorization answered on the bundle endpoint's own port through {@link AcmeKeyManager} (what SPIRE's
 * ACME support answers too), then a CSR for a fresh EC P-256 key and the issued chain.
 *
 * <p>Security decisions: the CA's terms of service are agreed to only when {@code tos_accepted} is true; otherwise
 * nothing is sent and the refusal names the terms' URL. The ACME directory is reached over HTTPS authenticated with
 * the same Web PKI roots as {@code https_web} federation ({@code SSL_CERT_FILE}/{@code SSL_CERT_DIR} added to the
 * JDK's), so a private ACME CA is trusted exactly where a private bundle endpoint would be.
 */
final class AcmeOrders {
  private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

  private final ServerConfig.AcmeSettings settings;
  private final Supplier<SSLContext> webTrust;
  private final AcmeKeyManager challenges;

  AcmeOrders(ServerConfig.AcmeSettings settings, Supplier<SSLContext> webTrust, AcmeKeyManager challenges) {
    this.settings = settings;
    this.webTrust = webTrust;
    this.challenges = challenges;
  }

  /** Orders a certificate for the domain; the account key pair identifies this server to the CA. */
  SvidKeyManager.KeyMaterial order(KeyPair account) throws AcmeException, InterruptedException {
    Session session = new Session(settings.directoryUrl(), new TrustedProvider(webTrust));
    Optional<URI> terms = session.getMetadata().getTermsOfService();
    if (terms.isPresent() && !settings.tosAccepted()) {
      throw new AcmeException("the terms of service of " + settings.directoryUrl() + " (" + terms.get()
          + ") have not been accepted: set tos_accepted = true to agree to them");
    }
    AccountBuilder registration = new AccountBuilder().addEmail(settings.email()).useKeyPair(account);
    if (terms.isPresent()) {
      registration.agreeToTermsOfService();
    }
    Login login = registration.createLogin(session);
    Order order = login.newOrder().domain(settings.domainName()).create();
    for (Authorization authorization : order.getAuthorizations()) {
      if (authorization.getStatus() != Status.VALID) {
        answer(authorization);
      }
    }
    order.waitUntilReady(STEP_TIMEOUT);
    KeyPair certificateKey = ecP256();
    order.execute(certificateKey);
    Status status = order.waitForCompletion(STEP_TIMEOUT);
    if (status != Status.VALID) {
      throw new AcmeException("acme order for \"" + settings.domainName() + "\" ended " + status
          + order.getError().map(p -> ": " + describe(p)).orElse(""));
    }
    List<X509Certificate> chain = order.getCertificate().getCertificateChain();
    return new SvidKeyManager.KeyMaterial(certificateKey.getPrivate(), chain);
  }

  private void answer(Authorization authorization) throws AcmeException, InterruptedException {
    String domain = authorization.getIdentifier().getDomain();
    TlsAlpn01Challenge challenge = authorization.findChallenge(TlsAlpn01Challenge.class)
        .orElseThrow(() -> new AcmeException("the acme ca offers no tls-alpn-01 challenge for \"" + domain
            + "\" (the only kind the bundle endpoint answers)"));
    // RSA: acme4j 3.5 signs the validation certificate with SHA256withRSA whatever the key (the key only proves
    // nothing; the CA checks the acmeIdentifier extension and the name)
    KeyPair validationKey = KeyType.RSA_2048.generate();
    X509Certificate validation = challenge.createCertificate(validationKey, authorization.getIdentifier());
    challenges.offer(domain, new SvidKeyManager.KeyMaterial(validationKey.getPrivate(), List.of(validation)));
    try {
      challenge.trigger();
      Status status = challenge.waitForCompletion(STEP_TIMEOUT);
      if (status != Status.VALID) {
        throw new AcmeException("tls-alpn-01 validation of \"" + domain + "\" ended " + status
            + challenge.getError().map(p -> ": " + describe(p)).orElse(""));
      }
    } finally {
      challenges.withdraw(domain);
    }
  }

  /**
   * An EC P-256 key pair from the JDK's own provider: acme4j picks the CSR's and the validation certificate's
   * signature algorithm by the key's JCA interfaces, which the keys of the faster signing provider (ACCP) do not
   * all implement. The key signs one CSR and serves TLS handshakes, far off the SVID-signing hot path.
   */
  static KeyPair ecP256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", "SunEC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the jdk cannot make ec p-256 keys", e);
    }
  }

  private static String describe(Problem problem) {
    return problem.toString();
  }

  /** Any ACME CA by its directory URL, over HTTPS trusting {@code webTrust}'s roots. */
  private static final class TrustedProvider extends GenericAcmeProvider {
    private final Supplier<SSLContext> webTrust;

    TrustedProvider(Supplier<SSLContext> webTrust) {
      this.webTrust = webTrust;
    }

    @Override
    protected HttpConnector createHttpConnector(NetworkSettings settings) {
      return new HttpConnector(settings) {
        @Override
        public HttpClient.Builder createClientBuilder() {
          return super.createClientBuilder().sslContext(webTrust.get());
        }
      };
    }
  }
}
