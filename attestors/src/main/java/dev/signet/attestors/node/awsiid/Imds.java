package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;

/**
 * The EC2 instance metadata service, asked for the instance identity document and its signatures with the
 * IMDSv2 session flow: {@code PUT /latest/api/token} with {@code X-aws-ec2-metadata-token-ttl-seconds}, then
 * each {@code GET} with {@code X-aws-ec2-metadata-token}. Like the AWS SDKs (and so SPIRE's agent), an IMDS
 * that refuses the token request with 403, 404 or 405 is asked without a token (IMDSv1).
 */
final class Imds {
  static final URI DEFAULT_ENDPOINT = URI.create("http://169.254.169.254");
  static final String TOKEN_PATH = "/latest/api/token";
  static final String DOCUMENT_PATH = "/latest/dynamic/instance-identity/document";
  static final String SIGNATURE_PATH = "/latest/dynamic/instance-identity/signature";
  static final String RSA2048_PATH = "/latest/dynamic/instance-identity/rsa2048";
  static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
  static final String TOKEN_TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
  static final int TOKEN_TTL_SECONDS = 300;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final Set<Integer> NO_TOKENS = Set.of(403, 404, 405);

  private final String base;
  private final HttpClient http;

  Imds(URI endpoint) {
    String text = endpoint.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /** The document, the legacy RSA-1024 signature (empty when IMDS has none) and the RSA-2048 PKCS#7. */
  IidAttestationData fetch() {
    String token = token();
    String document = get(DOCUMENT_PATH, token, false);
    String signature = get(SIGNATURE_PATH, token, true);
    String rsa2048 = get(RSA2048_PATH, token, false);
    return new IidAttestationData(document, signature, rsa2048);
  }

  /** A session token, or null when this IMDS does not hand them out. */
  private String token() {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + TOKEN_PATH)).timeout(TIMEOUT)
        .header(TOKEN_TTL_HEADER, Integer.toString(TOKEN_TTL_SECONDS))
        .PUT(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = send(request, TOKEN_PATH);
    if (response.statusCode() == 200 && !response.body().isBlank()) {
      return response.body().strip();
    }
    if (NO_TOKENS.contains(response.statusCode())) {
      return null;
    }
    throw AttestationException.unavailable(AwsIid.NAME + ": instance metadata service answered " + response.statusCode()
        + " to the token request at " + base + TOKEN_PATH);
  }

  private String get(String path, String token, boolean optional) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).GET();
    if (token != null) {
      request.header(TOKEN_HEADER, token);
    }
    HttpResponse<String> response = send(request.build(), path);
    if (response.statusCode() == 200) {
      return response.body();
    }
    if (optional && response.statusCode() == 404) {
      return "";
    }
    throw AttestationException.unavailable(AwsIid.NAME + ": instance metadata service answered " + response.statusCode()
        + " for " + base + path);
  }

  private HttpResponse<String> send(HttpRequest request, String path) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME
          + ": cannot reach the instance metadata service at " + base + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME
          + ": interrupted while asking the instance metadata service", e);
    }
  }
}
