package dev.signet.common.tls;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Authenticates a TLS server by SPIFFE ID, never by host name: its certificate must be a valid X509-SVID
 * for exactly the expected ID, chaining to the current trust bundle (read per handshake, so CA rotation
 * takes effect at once). Used by the agent for {@code spiffe://<td>/spire/server} and by the server for
 * {@code https_spiffe} bundle endpoints. With {@code insecureBootstrap} and no bundle yet, only the
 * identity is checked, as SPIRE's {@code insecure_bootstrap} does: that mode trusts the first server it
 * reaches and is meant for tests.
 *
 * <p>Security decision: a chain whose latest NotBefore is at most {@link #NOT_BEFORE_ALLOWANCE} ahead of this
 * host's clock is checked at that NotBefore instead of now, so that a host whose clock runs up to five minutes
 * behind the server's can still reach a server that has just renewed its certificate (the server backdates
 * only 10 s, as SPIRE does). Expiry is never relaxed: the check at a later instant is stricter about NotAfter.
 * A CA never post-dates what it signs, so a certificate valid a few minutes from now was signed by a trusted CA
 * moments ago; accepting it early grants nothing a skewed clock would not.
 */
public final class SpiffeServerTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
  /** How far ahead of this host's clock a server certificate's NotBefore may be (clock skew). */
  public static final Duration NOT_BEFORE_ALLOWANCE = Duration.ofMinutes(5);
  private final SpiffeId serverId;
  private final Supplier<Optional<Bundle>> bundle;
  private final boolean insecureBootstrap;
  private final Clock clock;

  public SpiffeServerTrustManager(SpiffeId serverId, Supplier<Optional<Bundle>> bundle, boolean insecureBootstrap,
      Clock clock) {
    this.serverId = serverId;
    this.bundle = bundle;
    this.insecureBootstrap = insecureBootstrap;
    this.clock = clock;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("server presented no certificate");
    }
    Optional<Bundle> current = bundle.get().filter(b -> !b.x509Authorities().isEmpty());
    SpiffeId presented;
    try {
      if (current.isEmpty()) {
        if (!insecureBootstrap) {
          throw new CertificateException("no trust bundle to verify the server with");
        }
        presented = X509SvidValidator.validateLeaf(chain[0]);
      } else {
        presented = X509SvidValidator.verify(List.of(chain), td -> current.filter(b -> b.trustDomain().equals(td)),
            validationInstant(chain, clock.instant()));
      }
    } catch (SvidValidationException e) {
      throw new CertificateException("server certificate is not a valid X509-SVID: " + e.getMessage(), e);
    }
    if (!presented.equals(serverId)) {
      throw new CertificateException("server presented \"" + presented + "\", expected \"" + serverId + "\"");
    }
  }

  /** {@code now}, or the chain's latest NotBefore when that is ahead of {@code now} by at most the allowance. */
  static Instant validationInstant(X509Certificate[] chain, Instant now) {
    Instant latestNotBefore = now;
    for (X509Certificate certificate : chain) {
      Instant notBefore = certificate.getNotBefore().toInstant();
      if (notBefore.isAfter(latestNotBefore)) {
        latestNotBefore = notBefore;
      }
    }
    return latestNotBefore.isAfter(now.plus(NOT_BEFORE_ALLOWANCE)) ? now : latestNotBefore;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only verifies the server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("this trust manager only verifies the server");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager only verifies the server");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
