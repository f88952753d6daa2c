package dev.signet.attestors.node.awsiid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * AWS Organizations ListAccounts from the management account, as {@code verify_organization} configures it:
 * credentials from STS AssumeRole for {@code arn:<partition>:iam::<management_account_id>:role/<assume_org_role>}
 * (in {@code management_account_region}), then the paged JSON API (awsJson1_1, target
 * {@code AWSOrganizationsV20161128.ListAccounts}) signed with SigV4 for service {@code organizations} in the
 * partition's Organizations region, 20 accounts a page ({@link AwsSignedHttp} retries throttling); a repeated
 * NextToken or a refresh over {@link RefreshingIdSet#READ_DEADLINE} is UNAVAILABLE.
 * Written on the SDK's signer and HTTP client because the SDK's Organizations module is not available to
 * this build; the wire format is AWS's.
 */
final class AwsOrganizationsClient implements OrganizationsApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> HOME_REGIONS = Map.of("aws", "us-east-1", "aws-cn", "cn-northwest-1",
      "aws-us-gov", "us-gov-west-1");
  private static final Map<String, String> ENDPOINTS = Map.of("aws", "https://organizations.us-east-1.amazonaws.com",
      "aws-cn", "https://organizations.cn-northwest-1.amazonaws.com.cn",
      "aws-us-gov", "https://organizations.us-gov-west-1.amazonaws.com");
  private static final String ACTIVE = "ACTIVE";
  private static final int PAGE_SIZE = 20; // the API's maximum

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
    long deadline = System.nanoTime() + RefreshingIdSet.READ_DEADLINE.toNanos();
    Set<String> active = new LinkedHashSet<>();
    Set<String> tokensSeen = new java.util.HashSet<>();
    String nextToken = null;
    do {
      if (System.nanoTime() > deadline) {
        throw unavailable("ListAccounts took longer than " + RefreshingIdSet.READ_DEADLINE.toSeconds() + " s", null);
      }
      ObjectNode request = JSON.createObjectNode().put("MaxResults", PAGE_SIZE);
      if (nextToken != null) {
        request.put("NextToken", nextToken);
      }
      JsonNode response = call(request);
      for (JsonNode account : response.path("Accounts")) {
        String id = account.path("Id").asText("");
        if (!id.isEmpty() && ACTIVE.equals(state(account))) {
          active.add(id);
        }
      }
      nextToken = response.path("NextToken").asText("");
      if (!nextToken.isEmpty() && !tokensSeen.add(nextToken)) {
        throw unavailable("ListAccounts repeated a NextToken", null);
      }
    } while (!nextToken.isEmpty());
    return active;
  }

  /**
   * An account's state: {@code State} (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION) where
   * AWS sends it, else the older {@code Status} it replaces.
   */
  static String state(JsonNode account) {
    String state = account.path("State").asText("");
    return state.isEmpty() ? account.path("Status").asText("") : state;
  }

  private JsonNode call(ObjectNode body) {
    try {
      AwsSignedHttp.Response response = AwsSignedHttp.call(http, credentials, SdkHttpMethod.POST, endpoint,
          Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"),
          JSON.writeValueAsBytes(body), "organizations", signingRegion);
      JsonNode json = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
      if (!response.ok()) {
        String type = json.path("__type").asText("");
        throw unavailable("ListAccounts failed: " + type.substring(type.indexOf('#') + 1) + " (HTTP "
            + response.status() + (response.retryable() ? ", " + AwsSignedHttp.ATTEMPTS + " attempts" : "") + ")", null);
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
