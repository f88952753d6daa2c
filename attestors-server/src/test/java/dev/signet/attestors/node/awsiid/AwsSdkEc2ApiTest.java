package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationException.Kind;
import dev.signet.common.secret.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AWS SDK v2 talking to a local endpoint that speaks the EC2 and IAM Query APIs. */
class AwsSdkEc2ApiTest {
  private static final String INSTANCE = "i-0123456789abcdef0";
  private FakeAwsApi aws;
  private AwsSdkEc2Api api;

  @BeforeEach
  void setUp() throws Exception {
    aws = new FakeAwsApi();
    api = new AwsSdkEc2Api(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws", aws.endpoint(),
        aws.endpoint(), null));
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  @Test
  void describesARunningInstance() {
    aws.add(FakeAwsApi.Instance.running(INSTANCE, Map.of("Name", "web-1"))
        .withInstanceProfile("arn:aws:iam::123456789012:instance-profile/web"));

    Ec2Api.Instance instance = api.describeInstance("us-east-1", "123456789012", INSTANCE).orElseThrow();

    assertThat(instance.tags()).containsExactly(Map.entry("Name", "web-1"));
    assertThat(instance.securityGroups()).containsExactly(new Ec2Api.SecurityGroup("sg-0a1b2c3d", "web"));
    assertThat(instance.instanceProfileArn()).isEqualTo("arn:aws:iam::123456789012:instance-profile/web");
    assertThat(instance.rootDeviceType()).isEqualTo("ebs");
    assertThat(instance.blockDevices()).containsExactly(
        new Ec2Api.BlockDevice("/dev/xvda", Instant.parse("2026-11-25T12:00:02Z")));
    assertThat(instance.networkInterfaces()).containsExactly(
        new Ec2Api.NetworkInterface(0, Instant.parse("2026-11-25T12:00:00Z")));
    Map<String, String> request = aws.requests().getLast();
    assertThat(request).containsEntry("Action", "DescribeInstances").containsEntry("InstanceId.1", INSTANCE)
        .containsEntry("Filter.1.Name", "instance-state-name").containsEntry("Filter.1.Value.1", "pending")
        .containsEntry("Filter.1.Value.2", "running");
  }

  @Test
  void stoppedAndUnknownInstancesAreAbsent() {
    aws.add(FakeAwsApi.Instance.running(INSTANCE, Map.of()).inState("stopped"));
    assertThat(api.describeInstance("us-east-1", "123456789012", INSTANCE)).isEmpty();
    assertThat(api.describeInstance("us-east-1", "123456789012", "i-0ffffffffffffffff")).isEmpty();
  }

  @Test
  void readsTheRolesOfAnInstanceProfile() {
    aws.addInstanceProfile("web", "arn:aws:iam::123456789012:role/web-role");
    assertThat(api.instanceProfileRoleArns("us-east-1", "123456789012", "web"))
        .containsExactly("arn:aws:iam::123456789012:role/web-role");
    assertThat(aws.requests().getLast()).containsEntry("Action", "GetInstanceProfile")
        .containsEntry("InstanceProfileName", "web");
  }

  @Test
  void awsFailuresAreUnavailable() {
    aws.failWith(403, "UnauthorizedOperation");
    assertThatThrownBy(() -> api.describeInstance("us-east-1", "123456789012", INSTANCE))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.getMessage()).startsWith("aws_iid: DescribeInstances in account 123456789012")
              .contains("UnauthorizedOperation");
        });
    assertThatThrownBy(() -> api.instanceProfileRoleArns("us-east-1", "123456789012", "web"))
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void anUnreachableEndpointIsUnavailable() {
    aws.close();
    assertThatThrownBy(() -> api.describeInstance("us-east-1", "123456789012", INSTANCE))
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
  }

  @Test
  void instanceProfileNamesComeFromTheArnsLastPathSegment() {
    assertThat(AwsIidNodeAttestor.instanceProfileName("arn:aws:iam::123456789012:instance-profile/web")).isEqualTo("web");
    assertThat(AwsIidNodeAttestor.instanceProfileName("arn:aws-cn:iam::123456789012:instance-profile/team/a/web"))
        .isEqualTo("web");
    assertThatThrownBy(() -> AwsIidNodeAttestor.instanceProfileName("arn:aws:iam::123456789012:role/web"))
        .isInstanceOf(AttestationException.class);
  }

  /**
   * assume_role: the server's own keys sign only AssumeRole for arn:aws:iam::ACCOUNT:role/ROLE; EC2 and IAM
   * are called with the temporary credentials STS returned (their key ID and session token), once per account.
   */
  @Test
  void assumeRoleCallsEc2AndIamAsTheAccountsRole() {
    String role = "arn:aws:iam::123456789012:role/signet-delegate";
    aws.allowRole(role).add(FakeAwsApi.Instance.running(INSTANCE, Map.of()))
        .addInstanceProfile("web", "arn:aws:iam::123456789012:role/web-role");
    AwsSdkEc2Api assuming = new AwsSdkEc2Api(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "signet-delegate", "aws",
        aws.endpoint(), aws.endpoint(), aws.endpoint()));

    assertThat(assuming.describeInstance("us-east-1", "123456789012", INSTANCE)).isPresent();
    assertThat(assuming.instanceProfileRoleArns("us-east-1", "123456789012", "web")).hasSize(1);

    List<FakeAwsApi.Call> calls = aws.calls();
    assertThat(calls).extracting(FakeAwsApi.Call::action)
        .containsExactly("AssumeRole", "DescribeInstances", "GetInstanceProfile");
    assertThat(calls.getFirst().accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(calls.getFirst().sessionToken()).isEmpty();
    Map<String, String> assumeRole = aws.requests().getFirst();
    assertThat(assumeRole).containsEntry("RoleArn", role).containsEntry("RoleSessionName", "signet-aws-iid");
    for (FakeAwsApi.Call call : calls.subList(1, calls.size())) {
      assertThat(call.accessKeyId()).as(call.action()).isEqualTo(FakeAwsApi.assumedAccessKeyId(role));
      assertThat(call.sessionToken()).as(call.action()).startsWith("session-");
    }
  }

  @Test
  void eachAccountAssumesItsOwnRole() {
    aws.allowRole("arn:aws:iam::111111111111:role/signet-delegate")
        .allowRole("arn:aws-cn:iam::222222222222:role/signet-delegate");
    AwsSdkEc2Api assuming = new AwsSdkEc2Api(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "signet-delegate",
        "aws-cn", aws.endpoint(), aws.endpoint(), aws.endpoint()));
    assertThatThrownBy(() -> assuming.describeInstance("cn-north-1", "111111111111", INSTANCE))
        .isInstanceOf(AttestationException.class); // the aws-cn partition's role ARN is not allowed in that account
    assertThat(assuming.describeInstance("cn-north-1", "222222222222", INSTANCE)).isEmpty();
    assertThat(aws.requests()).filteredOn(r -> "AssumeRole".equals(r.get("Action")))
        .extracting(r -> r.get("RoleArn")).containsExactly("arn:aws-cn:iam::111111111111:role/signet-delegate",
            "arn:aws-cn:iam::222222222222:role/signet-delegate");
  }

  @Test
  void aRefusedAssumeRoleIsUnavailableAndNothingIsDescribed() {
    aws.add(FakeAwsApi.Instance.running(INSTANCE, Map.of()));
    AwsSdkEc2Api assuming = new AwsSdkEc2Api(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "not-allowed", "aws",
        aws.endpoint(), aws.endpoint(), aws.endpoint()));
    assertThatThrownBy(() -> assuming.describeInstance("us-east-1", "123456789012", INSTANCE))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("DescribeInstances").contains("123456789012");
        });
    assertThat(aws.calls()).extracting(FakeAwsApi.Call::action).containsOnly("AssumeRole");
  }
}
