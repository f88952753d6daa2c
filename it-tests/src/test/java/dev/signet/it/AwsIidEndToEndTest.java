package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.node.awsiid.FakeAwsApi;
import dev.signet.attestors.node.awsiid.FakeImds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent attests to the built server with {@code NodeAttestor "aws_iid"}: the agent reads its
 * instance identity document and openssl-made PKCS#7 signature from a local IMDS (IMDSv2 tokens required),
 * the server trusts the test signing certificate for us-east-1 through {@code aws_ca_certificate_paths} and
 * asks a local EC2/IAM endpoint about the instance through the AWS SDK; the agent gets SPIRE's agent ID and
 * serves a workload registered under its {@code aws_iid:tag} alias. The server also checks that the instance is a
 * node of an EKS cluster ({@code validate_eks_cluster_membership}, through the SDK's EKS and Auto Scaling clients). A second agent replaying the same signed
 * document is refused (trust on first use), and so is one whose document was edited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AwsIidEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String ACCOUNT = "123456789012";
  private static final String INSTANCE = "i-0a1b2c3d4e5f60718";
  private static final String AGENT_ID = SignetServer.id("/spire/agent/aws_iid/" + ACCOUNT + "/us-east-1/" + INSTANCE);
  private static final String NODE_ALIAS = SignetServer.id("/node/aws/web");
  private static final String WORKLOAD = SignetServer.id("/workload/web");

  private Workspace workspace;
  private SignetServer server;
  private FakeAwsApi aws;
  private FakeImds imds;
  private Path pki;
  private String document;
  private String signature;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() throws Exception {
    workspace = new Workspace("aws-iid");
    pki = Files.createDirectories(workspace.path("pki"));
    String openssl = Distribution.requireTool("openssl");
    openssl(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path("aws.key"), "-out",
        path("aws.crt"), "-days", "2", "-subj", "/C=US/ST=Washington State/L=Seattle/O=Amazon Web Services LLC (test)");
    document = """
        {
          "accountId" : "%s",
          "architecture" : "x86_64",
          "availabilityZone" : "us-east-1b",
          "billingProducts" : null,
          "devpayProductCodes" : null,
          "marketplaceProductCodes" : null,
          "imageId" : "ami-0abcdef1234567890",
          "instanceId" : "%s",
          "instanceType" : "m5.large",
          "kernelId" : null,
          "pendingTime" : "2026-11-25T12:00:00Z",
          "privateIp" : "10.0.3.44",
          "ramdiskId" : null,
          "region" : "us-east-1",
          "version" : "2017-09-30"
        }""".formatted(ACCOUNT, INSTANCE);
    signature = sign(openssl, document);
    imds = new FakeImds(document, "", signature);
    aws = new FakeAwsApi().add(FakeAwsApi.Instance.running(INSTANCE, Map.of("app", "web")))
        .addEksNodegroup("prod", "web", "eks-web-1a2b", INSTANCE);
    server = new SignetServer(workspace).withPlugins("""
        NodeAttestor "aws_iid" {
            plugin_data {
                access_key_id = "AKIDEXAMPLE"
                secret_access_key = "not-a-real-secret"
                ec2_endpoint = "%s"
                iam_endpoint = "%s"
                eks_endpoint = "%s"
                autoscaling_endpoint = "%s"
                validate_eks_cluster_membership = { eks_cluster_names = ["prod"] }
                aws_ca_certificate_paths = { "us-east-1" = "%s" }
            }
        }""".formatted(aws.endpoint(), aws.endpoint(), aws.endpoint(), aws.endpoint(), path("aws.crt"))).start();
  }

  @AfterAll
  void stop() {
    if (imds != null) {
      imds.close();
    }
    if (aws != null) {
      aws.close();
    }
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  @Order(1)
  void anAgentAttestsWithItsInstanceIdentityAndServesItsWorkloads() {
    server.createEntryOverGrpc(SignetServer.id("/spire/server"), NODE_ALIAS, "aws_iid:tag:app:web");
    server.createEntryOverGrpc(NODE_ALIAS, WORKLOAD, "unix:uid:" + Uids.current());

    SignetAgent agent = new SignetAgent(workspace, server, "ec2").attestWith(attestor());

    assertThat(server.agentIds()).contains(AGENT_ID);
    assertThat(imds.unauthorizedRequests()).isZero();
    assertThat(aws.requests()).anyMatch(request -> "DescribeInstances".equals(request.get("Action"))
        && INSTANCE.equals(request.get("InstanceId.1")));
    assertThat(aws.requests()).as("the EKS node check through the SDK's EKS and Auto Scaling clients")
        .anyMatch(request -> "DescribeNodegroup".equals(request.get("Action")))
        .anyMatch(request -> "DescribeAutoScalingGroups".equals(request.get("Action"))
            && "eks-web-1a2b".equals(request.get("AutoScalingGroupNames.member.1")));
    CommandResult fetched = Poll.value("the workload's SVID via the aws_iid node alias", Duration.ofSeconds(30), () -> {
      CommandResult result = agent.fetchX509(null);
      return result.ok() && result.stdout().contains(WORKLOAD) ? Optional.of(result) : Optional.empty();
    });
    assertThat(fetched.stdout()).contains("SPIFFE ID:\t\t" + WORKLOAD);
  }

  @Test
  @Order(2)
  void aSecondAgentReplayingTheSameDocumentIsRefused() {
    RunningProcess replay = new SignetAgent(workspace, server, "replay").startAttestingWith(attestor());

    Integer code = replay.awaitExit(Duration.ofSeconds(90));
    assertThat(code).as("the replaying agent exits").isNotNull().isNotZero();
    assertThat(replay.tail(60)).contains("PERMISSION_DENIED").contains("already been used to attest an agent");
    assertThat(server.process().isAlive()).isTrue();
  }

  @Test
  @Order(3)
  void anEditedDocumentIsRefused() throws Exception {
    try (FakeImds forged = new FakeImds(document.replace(INSTANCE, "i-0ffffffffffffffff"), "", signature)) {
      RunningProcess refused = new SignetAgent(workspace, server, "forged").startAttestingWith("""
          NodeAttestor "aws_iid" {
              plugin_data {
                  ec2_metadata_endpoint = "%s"
              }
          }""".formatted(forged.endpoint()));

      Integer code = refused.awaitExit(Duration.ofSeconds(90));
      assertThat(code).as("the forged agent exits").isNotNull().isNotZero();
      assertThat(refused.tail(60)).contains("PERMISSION_DENIED")
          .contains("aws_iid: the instance identity document is not the one the rsa2048 signature covers");
      assertThat(server.agentIds()).noneMatch(id -> id.contains("i-0ffffffffffffffff"));
    }
  }

  private String attestor() {
    return """
        NodeAttestor "aws_iid" {
            plugin_data {
                ec2_metadata_endpoint = "%s"
            }
        }""".formatted(imds.endpoint());
  }

  /** What IMDS serves at /rsa2048: base64 of an openssl-made SignedData encapsulating the document. */
  private String sign(String openssl, String text) throws Exception {
    Path in = Files.writeString(pki.resolve("document.json"), text);
    openssl(openssl, "cms", "-sign", "-binary", "-nodetach", "-md", "sha256", "-in", in.toString(), "-signer",
        path("aws.crt"), "-inkey", path("aws.key"), "-outform", "DER", "-out", path("document.p7"));
    byte[] der = Files.readAllBytes(pki.resolve("document.p7"));
    return Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der);
  }

  private String path(String file) {
    return pki.resolve(file).toString();
  }

  private static void openssl(String openssl, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(openssl));
    command.addAll(List.of(args));
    Distribution.run(Duration.ofSeconds(30), command).requireOk();
  }
}
