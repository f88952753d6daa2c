package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** EKS ListNodegroups/DescribeNodegroup and Auto Scaling DescribeAutoScalingGroups over their real wire formats. */
class AwsEksClientTest {
  private static final String ACCOUNT = "123456789012";
  private FakeAwsApi aws;

  @BeforeEach
  void setUp() throws Exception {
    aws = new FakeAwsApi();
    aws.addEksNodegroup("prod", "system", "eks-system-1a2b", "i-0000000000000aaa1", "i-0000000000000aaa2")
        .addEksNodegroup("prod", "workers", "eks-workers-3c4d", "i-0000000000000bbb1")
        .addEksNodegroup("staging", "all", "eks-all-5e6f", "i-0000000000000ccc1");
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  private AwsEksClient client(String... clusters) {
    return new AwsEksClient(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", "secret", "", "aws", null, null, null),
        new AwsIidConfig.EksValidation(List.of(clusters), aws.endpoint(), aws.endpoint()));
  }

  @Test
  void anInstanceInANodeGroupsAutoScalingGroupIsANode() {
    assertThat(client("prod").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000bbb1")).isTrue();
    assertThat(client("staging", "prod").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000aaa2")).isTrue();
    List<FakeAwsApi.Call> calls = aws.calls();
    assertThat(calls).extracting(FakeAwsApi.Call::service).contains("eks", "autoscaling");
    assertThat(calls).allSatisfy(call -> assertThat(call.region()).isEqualTo("us-east-1"));
    assertThat(aws.requests()).filteredOn(r -> "ListNodegroups".equals(r.get("Action")))
        .extracting(r -> r.get("Path")).anyMatch(path -> path.contains("nextToken=1")); // the second page was asked for
  }

  @Test
  void anInstanceOfAnotherClusterOrNoneIsNot() {
    assertThat(client("prod").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000ccc1")).isFalse();
    assertThat(client("prod").isClusterNode("us-east-1", ACCOUNT, "i-0fffffffffffffff0")).isFalse();
  }

  @Test
  void aClusterMissingInThisRegionIsSkipped() {
    assertThat(client("elsewhere", "staging").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000ccc1")).isTrue();
    assertThat(client("elsewhere").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000ccc1")).isFalse();
  }

  @Test
  void awsFailuresAreUnavailable() {
    aws.failWith(500, "InternalFailure");
    assertThatThrownBy(() -> client("prod").isClusterNode("us-east-1", ACCOUNT, "i-0000000000000aaa1"))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("validate_eks_cluster_membership: ListNodegroups in region us-east-1");
        });
  }
}
