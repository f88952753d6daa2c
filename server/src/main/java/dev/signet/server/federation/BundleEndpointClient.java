package dev.signet.server.federation;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.datastore.FederationRelationship;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * Fetches a foreign trust domain's bundle from its SPIFFE bundle endpoint (SPIFFE Trust Domain and
 * Bundle spec, section 5): an HTTPS GET answered with the bundle as a JWKS document. {@code https_web}
 * authenticates the endpoint with Web PKI roots ({@link WebPkiTrust}) and host name checks; {@code
 * https_spiffe} authenticates it by SPIFFE ID against the bundle we already hold for the endpoint's trust
 * domain, never by host name. The body is capped, and what comes back must parse as a bundle of the
 * relationship's trust domain.
 */
public final class BundleEndpointClient {
  /** Largest bundle document accepted; a trust domain's JWKS is a few KiB even with many authorities. */
  static final int MAX_BODY_BYTES = 1 << 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Function<TrustDomain, Optional<Bundle>> trustedBundles;
  private final Supplier<SSLContext> webPki;
  private final Clock clock;

  /**
   * {@code trustedBundles} gives the bundle to authenticate an {@code https_spiffe} endpoint with; {@code webPki}
   * authenticates {@code https_web} endpoints ({@link WebPkiTrust#lazily}).
   */
  public BundleEndpointClient(Function<TrustDomain, Optional<Bundle>> trustedBundles, Supplier<SSLContext> webPki,
      Clock clock) {
    this.trustedBundles = trustedBundles;
    this.webPki = webPki;
    this.clock = clock;
  }

  /** Fetches and parses the bundle the relationship's endpoint serves. */
  public Bundle fetch(FederationRelationship relationship) throws BundleFetchException {
    TrustDomain trustDomain = TrustDomain.parse(relationship.trustDomain());
    String url = relationship.bundleEndpointUrl().toString();
    SSLContext tls;
    try {
      tls = sslContextFor(relationship);
    } catch (IllegalArgumentException e) { // SSL_CERT_FILE / SSL_CERT_DIR unreadable: the operator's to fix
      throw new BundleFetchException("cannot authenticate \"" + url + "\": " + e.getMessage(), e);
    }
    HttpClient client = HttpClient.newBuilder().sslContext(tls)
        .connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    HttpRequest request = HttpRequest.newBuilder(relationship.bundleEndpointUrl()).timeout(TIMEOUT)
        .header("Accept", "application/json").GET().build();
    try (client) {
      HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          throw new BundleFetchException("bundle endpoint \"" + url + "\" answered HTTP " + response.statusCode());
        }
        byte[] bytes = body.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
          throw new BundleFetchException("bundle endpoint \"" + url + "\" sent more than " + MAX_BODY_BYTES + " bytes");
        }
        return JwksCodec.decode(trustDomain, new String(bytes, StandardCharsets.UTF_8));
      }
    } catch (IllegalArgumentException e) {
      throw new BundleFetchException("bundle endpoint \"" + url + "\" sent an invalid bundle: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new BundleFetchException("cannot fetch the bundle from \"" + url + "\": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BundleFetchException("interrupted while fetching the bundle from \"" + url + "\"", e);
    }
  }

  private SSLContext sslContextFor(FederationRelationship relationship) {
    try {
      if (FederationRelationship.HTTPS_WEB.equals(relationship.bundleEndpointProfile())) {
        return webPki.get();
      }
      SpiffeId endpointId = relationship.endpointSpiffeId();
      SpiffeServerTrustManager trust = new SpiffeServerTrustManager(endpointId,
          () -> trustedBundles.apply(endpointId.trustDomain()), false, clock);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {trust}, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }

  private static String describe(IOException e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
