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
 * {@code region}, sent on the SDK's HTTP client. For the APIs whose SDK modules this build cannot use
 * (Organizations, EKS, Auto Scaling); the caller writes and reads the service's wire format.
 */
final class AwsSignedHttp {
  /** What AWS answered. */
  record Response(int status, byte[] body) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  private AwsSignedHttp() {}

  /**
   * @throws IOException when the request cannot be sent or the answer read
   * @throws software.amazon.awssdk.core.exception.SdkException when the credentials cannot be had
   */
  static Response call(SdkHttpClient http, AwsCredentialsProvider credentials, SdkHttpMethod method, URI uri,
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
      return new Response(response.httpResponse().statusCode(), in.readAllBytes());
    }
  }
}
