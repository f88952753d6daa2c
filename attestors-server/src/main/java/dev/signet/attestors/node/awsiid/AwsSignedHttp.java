package dev.signet.attestors.node.awsiid;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * One AWS API call made by hand: the request signed with the SDK's SigV4 signer for {@code service} in
 * {@code region}, sent on the SDK's HTTP client, and sent again (signed afresh) up to twice with a short
 * back-off when AWS throttles or fails on its side. For the APIs whose SDK modules this build cannot use
 * (Organizations); the caller writes and reads the service's wire format.
 */
final class AwsSignedHttp {
  static final int ATTEMPTS = 3;
  private static final java.time.Duration RETRY_BACKOFF = java.time.Duration.ofMillis(200);

  /** What AWS answered (after any retries). */
  record Response(int status, byte[] body, Map<String, java.util.List<String>> headers) {
    boolean ok() {
      return status / 100 == 2;
    }

    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Throttling (429, or a 400 naming it: the Query and JSON APIs say so in the body) or a server error. */
    boolean retryable() {
      return status == 429 || status / 100 == 5
          || (status == 400 && (text().contains("Throttling") || text().contains("TooManyRequestsException")));
    }
  }

  private AwsSignedHttp() {}

  /**
   * @throws IOException when the request cannot be sent or the answer read (or the wait to retry is interrupted)
   * @throws software.amazon.awssdk.core.exception.SdkException when the credentials cannot be had
   */
  static Response call(SdkHttpClient http, AwsCredentialsProvider credentials, SdkHttpMethod method, URI uri,
      Map<String, String> headers, byte[] body, String service, String region) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Response response = send(http, credentials, method, uri, headers, body, service, region);
      if (!response.retryable() || attempt >= ATTEMPTS) {
        return response;
      }
      try {
        Thread.sleep(RETRY_BACKOFF.multipliedBy(attempt));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while waiting to retry " + service);
      }
    }
  }

  private static Response send(SdkHttpClient http, AwsCredentialsProvider credentials, SdkHttpMethod method, URI uri,
      Map<String, String> headers, byte[] body, String service, String region) throws IOException {
    SdkHttpRequest.Builder request = SdkHttpRequest.builder().method(method).uri(uri);
    headers.forEach(request::putHeader);
    SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
        .request(request.build()).payload(body == null ? null : ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region));
    HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
        .contentStreamProvider(signed.payload().orElse(null)).build()).call();
    try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
      return new Response(response.httpResponse().statusCode(), in.readAllBytes(), response.httpResponse().headers());
    }
  }
}
