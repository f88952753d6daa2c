package dev.signet.server.federation.acme;

import dev.signet.common.tls.SvidKeyManager;
import dev.signet.server.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeLazyLoadingException;
import org.shredzone.acme4j.exception.AcmeProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the ACME bundle endpoint's certificate: at start the stored one (if still valid) is served at once; a
 * certificate is ordered when there is none and renewed once two thirds of its lifetime have passed (30 days
 * before expiry for a 90-day Let's Encrypt certificate, the margin SPIRE's ACME client keeps), then stored. A
 * failed order is retried with a doubling back-off (from {@link #FIRST_RETRY} up to {@link #MAX_RETRY}), so an
 * unreachable CA is not hammered; the certificate in use stays served until it is replaced.
 *
 * <p>{@link #check} is one turn of the owner's loop: it does nothing until the next order is due.
 */
public final class AcmeCertificates {
  private static final Logger LOG = LoggerFactory.getLogger(AcmeCertificates.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofHours(1);

  private final ServerConfig.AcmeSettings settings;
  private final AcmeStore store;
  private final AcmeKeyManager keys;
  private final AcmeOrders orders;
  private final Clock clock;
  private Instant due;
  private Duration backoff = FIRST_RETRY;

  /**
   * Serves the stored certificate, if it is still valid, through {@code keys}.
   *
   * @param webTrust the Web PKI roots that authenticate the ACME directory
   */
  public AcmeCertificates(ServerConfig.AcmeSettings settings, Path dataDir, AcmeKeyManager keys,
      Supplier<SSLContext> webTrust, Clock clock) throws IOException {
    this.settings = settings;
    this.store = AcmeStore.in(dataDir);
    this.keys = keys;
    this.orders = new AcmeOrders(settings, webTrust, keys);
    this.clock = clock;
    Optional<SvidKeyManager.KeyMaterial> stored = store.certificate(settings.domainName());
    if (stored.isPresent() && clock.instant().isBefore(leaf(stored.get()).getNotAfter().toInstant())) {
      keys.serve(stored.get());
      due = renewalTime(leaf(stored.get()));
      LOG.info("bundle endpoint serves the stored acme certificate for {} (renewal due {})", settings.domainName(), due);
    } else {
      due = clock.instant();
    }
  }

  /** When the certificate of {@code leaf} is renewed: after two thirds of its validity. */
  static Instant renewalTime(X509Certificate leaf) {
    Instant notBefore = leaf.getNotBefore().toInstant();
    Duration lifetime = Duration.between(notBefore, leaf.getNotAfter().toInstant());
    return notBefore.plus(lifetime.multipliedBy(2).dividedBy(3));
  }

  /** When the next order is due. */
  public synchronized Instant due() {
    return due;
  }

  /** Orders (and stores, and serves) a certificate if one is due; a failure schedules a retry. */
  public synchronized void check() {
    if (clock.instant().isBefore(due)) {
      return;
    }
    try {
      SvidKeyManager.KeyMaterial issued = orders.order(store.accountKey());
      store.saveCertificate(settings.domainName(), issued);
      keys.serve(issued);
      due = renewalTime(leaf(issued));
      backoff = FIRST_RETRY;
      LOG.info("bundle endpoint obtained an acme certificate for {} from {} (serial {}, expires {}, renewal due {})",
          settings.domainName(), settings.directoryUrl(), leaf(issued).getSerialNumber().toString(16),
          leaf(issued).getNotAfter().toInstant(), due);
    } catch (AcmeException | AcmeProtocolException | AcmeLazyLoadingException | IOException e) {
      retryLater(e.getMessage());
    } catch (RuntimeException e) {
      // not a refusal of the CA but a failure in this process or the library: its stack is logged, and it is
      // retried with the same back-off, so it neither spins nor stops the renewals for good
      LOG.error("bundle endpoint: acme order for {} failed unexpectedly", settings.domainName(), e);
      retryLater(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      retryLater("interrupted");
    }
  }

  private void retryLater(String reason) {
    due = clock.instant().plus(backoff);
    LOG.error("bundle endpoint: no acme certificate for {} from {}: {}; next attempt at {}", settings.domainName(),
        settings.directoryUrl(), reason, due);
    backoff = backoff.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : backoff.multipliedBy(2);
  }

  private static X509Certificate leaf(SvidKeyManager.KeyMaterial material) {
    return material.chain().getFirst();
  }
}
