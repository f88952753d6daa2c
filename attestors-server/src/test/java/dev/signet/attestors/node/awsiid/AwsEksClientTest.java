package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.secret.Secret;
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
    return new AwsEksClient(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws", null, null, null),
        new AwsIidConfig.EksValidation(List.of(clusters), aws.endpoint(), aws.endpoint()));
  }

  @Test
  void theNodesAreTheInstancesOfTheNodeGroupsAutoScalingGroups() {
    assertThat(client("prod").nodeInstances("us-east-1", ACCOUNT))
        .containsExactlyInAnyOrder("i-0000000000000aaa1", "i-0000000000000aaa2", "i-0000000000000bbb1");
    List<FakeAwsApi.Call> calls = aws.calls();
    assertThat(calls).extracting(FakeAwsApi.Call::service).contains("eks", "autoscaling");
    assertThat(calls).allSatisfy(call -> assertThat(call.region()).isEqualTo("us-east-1"));
    assertThat(aws.requests()).filteredOn(r -> "ListNodegroups".equals(r.get("Action")))
        .extracting(r -> r.get("Path")).anyMatch(path -> path.contains("nextToken=1")); // EKS's second page
    assertThat(aws.requests()).filteredOn(r -> "DescribeAutoScalingGroups".equals(r.get("Action")))
        .anyMatch(r -> "1".equals(r.get("NextToken"))); // Auto Scaling's second page
    assertThat(client("staging", "prod").nodeInstances("us-east-1", ACCOUNT)).hasSize(4);
  }

  /** assume_role: EKS and Auto Scaling are asked as the account's role, the server's own keys sign only AssumeRole. */
  @Test
  void assumeRoleCallsEksAndAutoScalingAsTheAccountsRole() {
    String role = "arn:aws:iam::" + ACCOUNT + ":role/node-reader";
    aws.allowRole(role);
    AwsEksClient client = new AwsEksClient(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "node-reader",
        "aws", null, null, aws.endpoint()), new AwsIidConfig.EksValidation(List.of("staging"), aws.endpoint(),
        aws.endpoint()));
    assertThat(client.nodeInstances("us-east-1", ACCOUNT)).containsExactly("i-0000000000000ccc1");
    assertThat(aws.calls()).extracting(FakeAwsApi.Call::action).first().isEqualTo("AssumeRole");
    assertThat(aws.calls().getFirst().accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(aws.calls()).filteredOn(call -> !"AssumeRole".equals(call.action())).isNotEmpty()
        .allSatisfy(call -> assertThat(call.accessKeyId()).as(call.action()).isEqualTo(FakeAwsApi.assumedAccessKeyId(role)));
  }

  @Test
  void aClusterOrNodeGroupMissingInThisRegionIsSkipped() {
    assertThat(client("elsewhere", "staging").nodeInstances("us-east-1", ACCOUNT)).containsExactly("i-0000000000000ccc1");
    assertThat(client("elsewhere").nodeInstances("us-east-1", ACCOUNT)).isEmpty();
  }

  @Test
  void awsFailuresAreUnavailable() {
    aws.failWith(500, "InternalFailure");
    assertThatThrownBy(() -> client("prod").nodeInstances("us-east-1", ACCOUNT))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("validate_eks_cluster_membership: ListNodegroups in region us-east-1")
              .contains("InternalFailure (HTTP 500)");
        });
    assertThat(aws.calls()).as("a server-side error is tried three times").hasSize(AwsSdkEc2Api.ATTEMPTS);
  }

  /** A 404 that is not AWS saying the cluster does not exist (a wrong endpoint) must not read as "no nodes". */
  @Test
  void aPlain404IsUnavailableNotEmpty() throws Exception {
    AwsEksClient wrongPath = new AwsEksClient(new AwsSdkEc2Api.Settings("AKIDEXAMPLE", Secret.of("secret"), "", "aws", null, null,
        null), new AwsIidConfig.EksValidation(List.of("prod"), java.net.URI.create(aws.endpoint() + "/not-eks"),
        aws.endpoint()));
    assertThatThrownBy(() -> wrongPath.nodeInstances("us-east-1", ACCOUNT)).isInstanceOfSatisfying(
        AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(AttestationException.Kind.UNAVAILABLE);
          assertThat(e.getMessage()).contains("HTTP 404");
        });
  }

  /**
   * The SDK's XML reader skips a DOCTYPE: its external entities (here on a server that counts its requests) are
   * never fetched, and the answer reads as without it.
   */
  @Test
  void anAnswersExternalEntitiesAreNeverFetched() throws Exception {
    java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer entities = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    entities.createContext("/", exchange -> {
      try (exchange) {
        fetches.incrementAndGet();
        byte[] dtd = "<!ENTITY y \"i-0000000000000eee1\">".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, dtd.length);
        exchange.getResponseBody().write(dtd);
      }
    });
    entities.start();
    try {
      String base = "http://127.0.0.1:" + entities.getAddress().getPort();
      aws.prefixAutoScalingAnswers("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY % p SYSTEM \"" + base + "/p.dtd\"> %p;"
          + "<!ENTITY x SYSTEM \"" + base + "/x\">]>");
      assertThat(client("staging").nodeInstances("us-east-1", ACCOUNT)).containsExactly("i-0000000000000ccc1");
      assertThat(fetches).hasValue(0);
    } finally {
      entities.stop(0);
    }
  }
}
