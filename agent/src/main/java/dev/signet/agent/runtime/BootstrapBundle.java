package dev.signet.agent.runtime;

import dev.signet.agent.config.AgentConfig;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;

/**
 * The bundle the agent trusts before it has talked to its server: from {@code trust_bundle_path} or
 * {@code trust_bundle_url} (HTTPS, verified by the JDK's web PKI), as PEM or SPIFFE JWKS
 * ({@code trust_bundle_format}); none with {@code insecure_bootstrap}.
 */
public final class BootstrapBundle {
  private BootstrapBundle() {}

  public static Optional<Bundle> load(AgentConfig config) {
    if (config.insecureBootstrap()) {
      return Optional.empty();
    }
    String text;
    String origin;
    if (config.trustBundlePath() != null) {
      origin = config.trustBundlePath().toString();
      try {
        text = Files.readString(config.trustBundlePath());
      } catch (IOException e) {
        throw new ConfigException("cannot read trust bundle \"" + origin + "\": " + e.getMessage(), e);
      }
    } else {
      origin = config.trustBundleUrl();
      text = fetch(origin);
    }
    Bundle bundle;
    try {
      bundle = config.trustBundleFormat().equals("spiffe") ? JwksCodec.decode(config.trustDomain(), text)
          : Bundle.ofX509(config.trustDomain(), PemCodec.decodeCertificates(text));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("trust bundle \"" + origin + "\" is not a valid " + config.trustBundleFormat()
          + " bundle: " + e.getMessage(), e);
    }
    if (bundle.x509Authorities().isEmpty()) {
      throw new ConfigException("trust bundle \"" + origin + "\" holds no certificates");
    }
    return Optional.of(bundle);
  }

  private static String fetch(String url) {
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new ConfigException("trust bundle url \"" + url + "\" answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new ConfigException("cannot fetch trust bundle from \"" + url + "\": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConfigException("interrupted while fetching the trust bundle from \"" + url + "\"", e);
    }
  }
}
