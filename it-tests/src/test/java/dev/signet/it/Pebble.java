package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Let's Encrypt's test ACME CA, {@code pebble} ({@code github.com/letsencrypt/pebble/v2} v2.10.3, built by {@code
 * tools/go-peers} from {@code tools/peers/pebble}), on loopback: its ACME API serves HTTPS with the {@link WebPki}
 * serving certificate (so a client trusting that root, as signet-server does through {@code SSL_CERT_FILE}, reaches
 * it), its management API hands out the root its issued certificates chain to.
 *
 * <p>What is real: pebble's validation authority really connects for tls-alpn-01, to the identifier's address from
 * the system resolver ({@code localhost} is 127.0.0.1 in /etc/hosts) on the port given as {@code tlsPort}, and
 * checks the acme-tls/1 ALPN and the validation certificate ({@code PEBBLE_VA_ALWAYS_VALID} is not set). Changed
 * for a fast, deterministic test: no random sleep before validating ({@code PEBBLE_VA_NOSLEEP}), no nonce rejected
 * at random ({@code PEBBLE_WFE_NONCEREJECT=0}), no authorization reused ({@code PEBBLE_AUTHZREUSE=0}, so every order,
 * renewals too, is validated again), and certificates valid {@code validity} only.
 */
final class Pebble {
  private final int acmePort = Workspace.freePort();
  private final int managementPort = Workspace.freePort();
  private final WebPki web;
  private final RunningProcess process;

  /**
   * Starts pebble, validating tls-alpn-01 on {@code tlsAlpnPort}, issuing certificates valid {@code validity}, and
   * waits until its directory answers.
   */
  Pebble(Workspace workspace, WebPki web, int tlsAlpnPort, Duration validity) {
    this.web = web;
    Path config = workspace.path("pebble.json");
    try {
      Files.writeString(config, """
          {
            "pebble": {
              "listenAddress": "127.0.0.1:%d",
              "managementListenAddress": "127.0.0.1:%d",
              "certificate": "%s",
              "privateKey": "%s",
              "httpPort": %d,
              "tlsPort": %d,
              "ocspResponderURL": "",
              "externalAccountBindingRequired": false,
              "retryAfter": { "authz": 1, "order": 1 },
              "keyAlgorithm": "ecdsa",
              "profiles": { "default": { "description": "short-lived for the test", "validityPeriod": %d } }
            }
          }
          """.formatted(acmePort, managementPort, web.servingCertificate(), web.servingKey(), Workspace.freePort(),
          tlsAlpnPort, validity.toSeconds()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    process = workspace.start("pebble", List.of(SpirePeers.bin("pebble"), "-config", config.toString()),
        Map.of("PEBBLE_VA_NOSLEEP", "1", "PEBBLE_WFE_NONCEREJECT", "0", "PEBBLE_AUTHZREUSE", "0"));
    Poll.until("pebble's acme directory", Duration.ofSeconds(30), () -> {
      if (!process.isAlive()) {
        throw new AssertionError("pebble exited:\n" + process.tail(20));
      }
      return get(URI.create(directoryUrl())).contains("newOrder");
    });
  }

  /** The ACME directory URL (what {@code acme { directory_url }} names). */
  String directoryUrl() {
    return "https://localhost:" + acmePort + "/dir";
  }

  /** The PEM root that every certificate pebble issues chains to (made anew at each pebble start). */
  String rootCertificate() {
    return get(URI.create("https://localhost:" + managementPort + "/roots/0"));
  }

  RunningProcess process() {
    return process;
  }

  private String get(URI uri) {
    try (HttpClient client = HttpClient.newBuilder().sslContext(web.clientContext())
        .connectTimeout(Duration.ofSeconds(5)).build()) {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("GET " + uri + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
