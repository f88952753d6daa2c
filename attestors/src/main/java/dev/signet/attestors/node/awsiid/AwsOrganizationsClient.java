package dev.signet.attestors.node.awsiid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * AWS Organizations ListAccounts from the management account, as {@code verify_organization} configures it:
 * credentials from STS AssumeRole for {@code arn:<partition>:iam::<management_account_id>:role/<assume_org_role>}
 * (in {@code management_account_region}), then the paged JSON API (awsJson1_1, target
 * {@code AWSOrganizationsV20161128.ListAccounts}) signed with SigV4 for service {@code organizations} in the
 * partition's Organizations region. Written on the SDK's signer and HTTP client because the SDK's
 * Organizations module is not available to this build; the wire format is AWS's.
 */
final class AwsOrganizationsClient implements OrganizationsApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> HOME_REGIONS = Map.of("aws", "us-east-1", "aws-cn", "cn-northwest-1",
      "aws-us-gov", "us-gov-west-1");
  private static final Map<String, String> ENDPOINTS = Map.of("aws", "https://organizations.us-east-1.amazonaws.com",
      "aws-cn", "https://organizations.cn-northwest-1.amazonaws.com.cn",
      "aws-us-gov", "https://organizations.us-gov-west-1.amazonaws.com");
  private static final int MAX_PAGES = 10_000;

  private final AwsIidConfig.Organization organization;
  private final SdkHttpClient http;
  private final AwsCredentialsProvider credentials;
  private final URI endpoint;
  private final String signingRegion;

  AwsOrganizationsClient(AwsSdkEc2Api.Settings aws, AwsIidConfig.Organization organization) {
    this.organization = organization;
    this.http = AwsSdkEc2Api.httpClient();
    this.credentials = AwsSdkEc2Api.credentials(aws, http, organization.region(), organization.managementAccountId(),
        organization.role());
    this.endpoint = organization.endpoint() != null ? organization.endpoint() : URI.create(ENDPOINTS.get(aws.partition()));
    this.signingRegion = HOME_REGIONS.get(aws.partition());
  }

  @Override
  public Set<String> activeAccountIds() {
    Set<String> active = new LinkedHashSet<>();
    String nextToken = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      ObjectNode request = JSON.createObjectNode();
      if (nextToken != null) {
        request.put("NextToken", nextToken);
      }
      JsonNode response = call(request);
      for (JsonNode account : response.path("Accounts")) {
        if ("ACTIVE".equals(account.path("Status").asText()) && !account.path("Id").asText().isEmpty()) {
          active.add(account.path("Id").asText());
        }
      }
      nextToken = response.path("NextToken").asText(null);
      if (nextToken == null || nextToken.isEmpty()) {
        return active;
      }
    }
    throw unavailable("ListAccounts returned more than " + MAX_PAGES + " pages", null);
  }

  private JsonNode call(ObjectNode body) {
    try {
      byte[] bytes = JSON.writeValueAsBytes(body);
      SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
          .putHeader("Content-Type", "application/x-amz-json-1.1")
          .putHeader("X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts").build();
      SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials.resolveCredentials())
          .request(request).payload(ContentStreamProvider.fromByteArray(bytes))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "organizations")
          .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion));
      HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
          .contentStreamProvider(signed.payload().orElse(null)).build()).call();
      byte[] answer;
      try (InputStream in = response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
        answer = in.readAllBytes();
      }
      int status = response.httpResponse().statusCode();
      JsonNode json = answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer);
      if (status / 100 != 2) {
        String type = json.path("__type").asText("");
        throw unavailable("ListAccounts failed: " + type.substring(type.indexOf('#') + 1) + " (HTTP " + status + ")", null);
      }
      return json;
    } catch (IOException | SdkException e) {
      throw unavailable("ListAccounts failed: " + e.getMessage(), e);
    }
  }

  private AttestationException unavailable(String message, Throwable cause) {
    return new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME + ": verify_organization: "
        + message + " (management account " + organization.managementAccountId() + ")", cause);
  }
}
