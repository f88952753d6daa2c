package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.secret.Secret;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** ListAccounts over the real JSON wire format, paged, signed with credentials assumed in the management account. */
class AwsOrganizationsClientTest {
  private static final String ROLE = "arn:aws:iam::999999999999:role/spire-org-reader";
  private FakeAwsApi aws;
  private AwsOrganizationsClient client;

  @BeforeEach
  void setUp() throws Exception {
    aws = new FakeAwsApi();
    aws.allowRole(ROLE);
    client = new AwsOrganizationsClient(
        new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws", null, null, aws.endpoint()),
        new AwsIidConfig.Organization("999999999999", "spire-org-reader", "us-west-2", Duration.ofMinutes(3),
            aws.endpoint()));
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  @Test
  void listsTheActiveAccountsOfEveryPage() {
    aws.addOrganizationAccount("111111111111", "ACTIVE").addOrganizationAccount("222222222222", "SUSPENDED")
        .addOrganizationAccount("333333333333", "ACTIVE").addOrganizationAccount("444444444444", "PENDING_CLOSURE")
        .addOrganizationAccountWithState("555555555555", "ACTIVE")
        .addOrganizationAccountWithState("666666666666", "CLOSED");

    assertThat(client.activeAccountIds()).containsExactlyInAnyOrder("111111111111", "333333333333", "555555555555");
    assertThat(aws.requests().get(1).get("Body")).contains("\"MaxResults\":20");

    List<FakeAwsApi.Call> calls = aws.calls();
    assertThat(calls).extracting(FakeAwsApi.Call::action)
        .containsExactly("AssumeRole", "ListAccounts", "ListAccounts", "ListAccounts");
    assertThat(aws.requests().getFirst()).containsEntry("RoleArn", ROLE);
    assertThat(calls.getFirst().region()).as("STS in the management account's region").isEqualTo("us-west-2");
    for (FakeAwsApi.Call call : calls.subList(1, calls.size())) {
      assertThat(call.accessKeyId()).isEqualTo(FakeAwsApi.assumedAccessKeyId(ROLE));
      assertThat(call.sessionToken()).startsWith("session-");
      assertThat(call.service()).isEqualTo("organizations");
      assertThat(call.region()).isEqualTo("us-east-1");
    }
  }

  @Test
  void refusalsAndOutagesAreUnavailable() {
    aws.failOrganizationsWith("AWSOrganizationsNotInUseException");
    assertThatThrownBy(client::activeAccountIds).isInstanceOfSatisfying(AttestationException.class, e -> {
      assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE);
      assertThat(e.getMessage()).contains("ListAccounts failed: AWSOrganizationsNotInUseException (HTTP 400)")
          .contains("999999999999");
    });
    aws.failOrganizationsWith(null);
    aws.failWith(400, "AccessDeniedException"); // STS refuses too
    assertThatThrownBy(client::activeAccountIds).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    aws.close();
    assertThatThrownBy(client::activeAccountIds).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
  }

  @Test
  void aRoleTheManagementAccountRefusesIsUnavailable() {
    AwsOrganizationsClient wrongRole = new AwsOrganizationsClient(
        new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws", null, null, aws.endpoint()),
        new AwsIidConfig.Organization("999999999999", "not-allowed", "us-west-2", Duration.ofMinutes(3), aws.endpoint()));
    assertThatThrownBy(wrongRole::activeAccountIds).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE));
    assertThat(aws.calls()).extracting(FakeAwsApi.Call::action).containsOnly("AssumeRole");
  }

  @Test
  void throttlingIsRetriedTwice() {
    aws.addOrganizationAccount("111111111111", "ACTIVE");
    aws.throttleOrganizations(2);
    assertThat(client.activeAccountIds()).containsExactly("111111111111");
    aws.throttleOrganizations(3);
    assertThatThrownBy(client::activeAccountIds).isInstanceOfSatisfying(AttestationException.class,
        e -> assertThat(e.getMessage()).contains("TooManyRequestsException (HTTP 400, 3 attempts)"));
  }

  @Test
  void otherPartitionsSignForTheirOwnOrganizationsRegion() {
    aws.allowRole("arn:aws-cn:iam::999999999999:role/spire-org-reader");
    aws.addOrganizationAccount("111111111111", "ACTIVE");
    AwsOrganizationsClient china = new AwsOrganizationsClient(
        new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws-cn", null, null, aws.endpoint()),
        new AwsIidConfig.Organization("999999999999", "spire-org-reader", "cn-northwest-1", Duration.ofMinutes(3),
            aws.endpoint()));
    assertThat(china.activeAccountIds()).containsExactly("111111111111");
    assertThat(aws.calls().getLast().region()).isEqualTo("cn-northwest-1");
    assertThat(aws.requests().getFirst()).containsEntry("RoleArn", "arn:aws-cn:iam::999999999999:role/spire-org-reader");
  }
}
