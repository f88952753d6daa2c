package dev.signet.server.endpoint;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.BundleSource;
import dev.signet.common.svid.SvidValidationException;
import dev.signet.common.svid.X509SvidValidator;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies a TLS client's certificate chain as an X509-SVID against the current trust bundles (our own
 * and federated ones, looked up per handshake so bundle rotation takes effect at once). Only that it
 * is a valid SVID is decided here; what the caller may do is decided per call by the authorizer.
 */
public final class PeerSvidTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];
  private final BundleSource bundles;
  private final Clock clock;

  public PeerSvidTrustManager(BundleSource bundles, Clock clock) {
    this.bundles = bundles;
    this.clock = clock;
  }

  /** The SPIFFE ID of an already verified leaf. */
  static SpiffeId spiffeIdOf(X509Certificate leaf) {
    return X509SvidValidator.spiffeIdOf(leaf);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    verify(chain);
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("client presented no certificate");
    }
    try {
      X509SvidValidator.verify(List.of(chain), bundles, clock.instant());
    } catch (SvidValidationException e) {
      throw new CertificateException("client certificate is not a valid X509-SVID: " + e.getMessage(), e);
    }
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only verifies clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
    throw new CertificateException("this trust manager only verifies clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
    throw new CertificateException("this trust manager only verifies clients");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    // Empty: the client is not steered to a particular CA; any SVID it has is verified above.
    return NO_ISSUERS;
  }
}
