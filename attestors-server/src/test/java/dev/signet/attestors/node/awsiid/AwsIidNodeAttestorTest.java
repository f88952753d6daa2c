package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.AttestationException.Kind;
import dev.signet.attestors.node.Challenger;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server half against real PKCS#7 signatures made by a test "AWS" key, and attempts to fool it. */
class AwsIidNodeAttestorTest {
  private static final TrustDomain TD = TrustDomain.parse("example.org");
  private static final String ACCOUNT = "123456789012";
  private static final String REGION = "us-east-1";
  private static final String INSTANCE = "i-0123456789abcdef0";
  private static final Challenger NO_CHALLENGES = challenge -> {
    throw new AssertionError("aws_iid sends no challenges");
  };
  private static TestAwsSigner aws;
  private static TestAwsSigner impostor;

  @TempDir
  Path dir;
  private Path certificate;
  private final MapEc2Api ec2 = new MapEc2Api();
  private final java.util.Set<String> organizationAccounts = new java.util.HashSet<>();
  private final java.util.Set<String> eksNodes = new java.util.HashSet<>();
  private final dev.signet.common.time.ManualClock clock = new dev.signet.common.time.ManualClock(
      java.time.Instant.parse("2026-11-26T00:00:00Z"));
  private int organizationLists;
  private boolean organizationsDown;
  private final OrganizationsApi organizations = () -> {
    organizationLists++;
    if (organizationsDown) {
      throw new dev.signet.attestors.node.AttestationException(
          dev.signet.attestors.node.AttestationException.Kind.UNAVAILABLE, "organizations is down");
    }
    return java.util.Set.copyOf(organizationAccounts);
  };

  @BeforeAll
  static void keys() {
    aws = TestAwsSigner.create();
    impostor = TestAwsSigner.create();
  }

  @BeforeEach
  void setUp() throws Exception {
    certificate = Files.writeString(dir.resolve("aws-us-east-1.pem"), aws.certificatePem());
    ec2.instances.put(INSTANCE, instance(Map.of("Name", "web-1", "team", "payments"),
        "arn:aws:iam::123456789012:instance-profile/web"));
    ec2.profiles.put("web", List.of("arn:aws:iam::123456789012:role/web-role"));
  }

  @Test
  void attestsASignedDocumentAsSpireNamesIt() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    AttestResult result = attestor(Map.of()).attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES);

    assertThat(result.agentId()).hasToString("spiffe://example.org/spire/agent/aws_iid/123456789012/us-east-1/"
        + INSTANCE);
    assertThat(result.canReattest()).isFalse();
    assertThat(result.selectors()).extracting(Selector::type).containsOnly("aws_iid");
    assertThat(result.selectors()).extracting(Selector::value).containsExactly(
        "az:us-east-1a",
        "iamrole:arn:aws:iam::123456789012:role/web-role",
        "image:id:ami-0abcdef1234567890",
        "instance:id:" + INSTANCE,
        "region:us-east-1",
        "sg:id:sg-0a1b2c3d",
        "sg:name:web",
        "tag:Name:web-1",
        "tag:team:payments");
  }

  @Test
  void aDetachedSignatureOverTheSentDocumentIsAcceptedToo() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    AttestResult result = attestor(Map.of()).attest(TD, payload(document, aws.signDetached(document)), NO_CHALLENGES);
    assertThat(result.agentId().path()).endsWith("/" + INSTANCE);
  }

  @Test
  void theSameDocumentNamesTheSameAgentWhichTheServerAttestsOnlyOnce() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    byte[] payload = payload(document, aws.sign(document));
    AwsIidNodeAttestor attestor = attestor(Map.of());
    AttestResult first = attestor.attest(TD, payload, NO_CHALLENGES);
    AttestResult replayed = attestor.attest(TD, payload, NO_CHALLENGES);
    // A replayed document maps onto the agent ID already attested; canReattest=false makes the server refuse it.
    assertThat(replayed.agentId()).isEqualTo(first.agentId());
    assertThat(replayed.canReattest()).isFalse();
  }

  @Test
  void aDocumentEditedAfterSigningIsRefused() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    String signature = aws.sign(document);
    String edited = document.replace(INSTANCE, "i-0fffffffffffffff0");
    assertDenied(attestor(Map.of()), payload(edited, signature), "is not the one the rsa2048 signature covers");
    assertDenied(attestor(Map.of()), payload(edited, aws.signDetached(document)),
        "failed verification of the instance identity signature");
  }

  @Test
  void anotherDocumentsSignatureIsRefused() {
    String mine = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    String theirs = TestAwsSigner.document(ACCOUNT, REGION, "i-0bbbbbbbbbbbbbbb0");
    assertDenied(attestor(Map.of()), payload(mine, aws.sign(theirs)), "is not the one the rsa2048 signature covers");
    assertDenied(attestor(Map.of()), payload(mine, aws.signDetached(theirs)),
        "failed verification of the instance identity signature");
  }

  @Test
  void aSignatureByAnotherKeyIsRefused() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, impostor.sign(document)),
        "signer is not the AWS certificate for region \"us-east-1\"");
    // Even when the impostor names AWS's certificate as its signer, the key does not verify.
    TestAwsSigner posing = impostor.claimingCertificateOf(aws);
    assertDenied(attestor(Map.of()), payload(document, posing.sign(document)),
        "failed verification of the instance identity signature");
  }

  @Test
  void twoSignersAreRefusedEvenWhenOneIsAws() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, TestAwsSigner.sign(document, true, List.of(aws, impostor))),
        "has 2 signers");
    assertDenied(attestor(Map.of()), payload(document, TestAwsSigner.sign(document, true, List.of(aws, aws))),
        "has 2 signers");
  }

  @Test
  void aSignerCertificateOtherThanTheConfiguredOneIsRefusedEvenWithTheSameKey() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, aws.withOtherCertificate().sign(document)),
        "signer is not the AWS certificate");
  }

  @Test
  void theRealAwsCertificateOfAnotherRegionDoesNotAcceptTheTestKey() {
    String document = TestAwsSigner.document(ACCOUNT, "us-west-2", INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, aws.sign(document)), "signer is not the AWS certificate for"
        + " region \"us-west-2\"");
  }

  @Test
  void aRegionWithoutACertificateIsRefused() {
    String document = TestAwsSigner.document(ACCOUNT, "xx-nowhere-1", INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, aws.sign(document)), "no AWS certificate for region");
  }

  @Test
  void accountsOutsideTheAllowListAreRefused() {
    String document = TestAwsSigner.document("210987654321", REGION, INSTANCE);
    assertDenied(attestor(Map.of("account_allow_list", List.of(ACCOUNT))), payload(document, aws.sign(document)),
        "account \"210987654321\" is not in account_allow_list");
    String allowed = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertThat(attestor(Map.of("account_allow_list", List.of(ACCOUNT))).attest(TD, payload(allowed, aws.sign(allowed)),
        NO_CHALLENGES).agentId().path()).contains("/" + ACCOUNT + "/");
  }

  @Test
  void withVerifyOrganizationOnlyActiveMemberAccountsAttest() {
    organizationAccounts.add(ACCOUNT);
    Map<String, Object> verify = Map.of("verify_organization", Map.of("management_account_id", "999999999999",
        "assume_org_role", "spire-org-reader"));
    String foreign = TestAwsSigner.document("210987654321", REGION, INSTANCE);
    assertDenied(attestor(verify), payload(foreign, aws.sign(foreign)),
        "account \"210987654321\" is not an active account of the AWS organization");
    String member = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertThat(attestor(verify).attest(TD, payload(member, aws.sign(member)), NO_CHALLENGES).agentId().path())
        .contains("/" + ACCOUNT + "/");
  }

  @Test
  void withEksValidationOnlyClusterNodesAttest() {
    Map<String, Object> eks = Map.of("validate_eks_cluster_membership", Map.of("eks_cluster_names", List.of("prod")));
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(eks), payload(document, aws.sign(document)),
        "instance \"" + INSTANCE + "\" is not a node of EKS clusters [prod]");
    eksNodes.add(INSTANCE); // the node joins a node group
    assertThat(attestor(eks).attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES).agentId().path())
        .endsWith("/" + INSTANCE);
  }

  /** Only a document AWS signed can make the server ask Organizations anything. */
  @Test
  void aForgedDocumentNeverReachesOrganizations() {
    Map<String, Object> verify = Map.of("verify_organization", Map.of("management_account_id", "999999999999",
        "assume_org_role", "spire-org-reader"));
    String forged = TestAwsSigner.document("210987654321", REGION, INSTANCE);
    assertDenied(attestor(verify), payload(forged, impostor.sign(forged)), "");
    assertThat(organizationLists).isZero();
  }

  @Test
  void anUnreadableOrganizationIsUnavailable() {
    organizationsDown = true;
    String member = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertThatThrownBy(() -> attestor(Map.of("verify_organization", Map.of("management_account_id", "999999999999",
        "assume_org_role", "spire-org-reader"))).attest(TD, payload(member, aws.sign(member)), NO_CHALLENGES))
        .isInstanceOfSatisfying(dev.signet.attestors.node.AttestationException.class, e -> assertThat(e.kind())
            .isEqualTo(dev.signet.attestors.node.AttestationException.Kind.UNAVAILABLE));
  }

  @Test
  void anInstanceThatIsNotRunningIsRefused() {
    ec2.instances.clear();
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, aws.sign(document)), "is not pending or running");
  }

  @Test
  void aRootVolumeAttachedLaterThanTheInstanceIsRefusedUnlessTheCheckIsSkipped() {
    Ec2Api.Instance moved = new Ec2Api.Instance(Map.of(), List.of(), "", "ebs", "/dev/xvda",
        List.of(new Ec2Api.BlockDevice("/dev/xvda", Instant.parse("2026-11-25T12:10:00Z"))),
        List.of(new Ec2Api.NetworkInterface(0, Instant.parse("2026-11-25T12:00:00Z"))));
    ec2.instances.put(INSTANCE, moved);
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    byte[] payload = payload(document, aws.sign(document));
    assertDenied(attestor(Map.of()), payload, "attach times differ by 600 seconds");
    assertThat(attestor(Map.of("skip_block_device", true)).attest(TD, payload, NO_CHALLENGES)).isNotNull();
    assertThat(attestor(Map.of("account_ids_for_local_validation", List.of(ACCOUNT))).attest(TD, payload,
        NO_CHALLENGES)).isNotNull();
  }

  @Test
  void aFirstNetworkInterfaceThatIsNotDeviceZeroIsRefused() {
    ec2.instances.put(INSTANCE, new Ec2Api.Instance(Map.of(), List.of(), "", "instance-store", "/dev/sda1", List.of(),
        List.of(new Ec2Api.NetworkInterface(1, Instant.parse("2026-11-25T12:00:00Z")))));
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of()), payload(document, aws.sign(document)), "device index must be zero (has 1)");
  }

  @Test
  void instanceTagsCanNameTheAgent() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    AttestResult result = attestor(Map.of("agent_path_template", "/{{ .PluginName }}/{{ .Tags.team }}/{{ .InstanceID }}"))
        .attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES);
    assertThat(result.agentId()).hasToString("spiffe://example.org/spire/agent/aws_iid/payments/" + INSTANCE);
    assertDenied(attestor(Map.of("agent_path_template", "/{{ .Tags.owner }}")), payload(document, aws.sign(document)),
        "needs tag \"owner\"");
  }

  @Test
  void aTagThatIsNotOnePathSegmentCannotNameTheAgent() {
    ec2.instances.put(INSTANCE, instance(Map.of("team", "../tpm/0123abcd"), "arn:aws:iam::123456789012:instance-profile/web"));
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertDenied(attestor(Map.of("agent_path_template", "/{{ .PluginName }}/{{ .Tags.team }}")),
        payload(document, aws.sign(document)), "not usable in an agent ID");
  }

  @Test
  void aSignatureOverContentThatIsNotDataIsAnInvalidArgument() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    assertThatThrownBy(() -> attestor(Map.of()).attest(TD, payload(document, aws.signAs(document,
        "1.2.840.113549.1.7.5")), NO_CHALLENGES))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("not data");
        });
  }

  @Test
  void withoutDescribeInstancesOnlyTheDocumentsSelectorsAreGiven() {
    ec2.instances.clear();
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    AttestResult result = attestor(Map.of("skip_describe_instances", true, "account_allow_list", List.of(ACCOUNT)))
        .attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES);
    assertThat(result.selectors()).extracting(Selector::value).containsExactly("az:us-east-1a",
        "image:id:ami-0abcdef1234567890", "instance:id:" + INSTANCE, "region:us-east-1");
    assertThat(ec2.calls).isZero();
  }

  @Test
  void instanceProfileSelectorsCanBeDisabled() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    AttestResult result = attestor(Map.of("disable_instance_profile_selectors", true))
        .attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES);
    assertThat(result.selectors()).extracting(Selector::value).noneMatch(value -> value.startsWith("iamrole:"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[]", "{\"document\": 7}", "{\"document\": \"{}\"}",
      "{\"document\": \"{}\", \"rsa2048\": \"***not base64***\"}",
      "{\"document\": \"{}\", \"rsa2048\": \"aGVsbG8gd29ybGQ=\"}",
      "{\"document\": \"{}\", \"rsa2048\": \"MAMCAQA=\"}"})
  void malformedPayloadsAreInvalidArguments(String payload) {
    assertThatThrownBy(() -> attestor(Map.of()).attest(TD, payload.getBytes(StandardCharsets.UTF_8), NO_CHALLENGES))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT);
          assertThat(e.getMessage()).startsWith("aws_iid: ");
        });
  }

  @Test
  void aSignedDocumentThatIsNotJsonIsAnInvalidArgument() {
    String signed = "this is not an identity document";
    assertThatThrownBy(() -> attestor(Map.of()).attest(TD, payload(signed, aws.sign(signed)), NO_CHALLENGES))
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
  }

  @Test
  void aDocumentWithAPathInItsIdentifiersIsRefused() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, "i-0123/../../server");
    assertThatThrownBy(() -> attestor(Map.of()).attest(TD, payload(document, aws.sign(document)), NO_CHALLENGES))
        .isInstanceOfSatisfying(AttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_ARGUMENT));
  }

  @Test
  void errorsNeverCarryTheSignature() {
    String document = TestAwsSigner.document(ACCOUNT, REGION, INSTANCE);
    String signature = impostor.sign(document);
    assertThatThrownBy(() -> attestor(Map.of()).attest(TD, payload(document, signature), NO_CHALLENGES))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(signature.substring(100, 140))
            .doesNotContain("pendingTime"));
    assertThat(new IidAttestationData(document, "", signature).toString()).doesNotContain(signature.substring(100, 140))
        .doesNotContain(ACCOUNT);
  }

  private void assertDenied(AwsIidNodeAttestor attestor, byte[] payload, String message) {
    assertThatThrownBy(() -> attestor.attest(TD, payload, NO_CHALLENGES))
        .isInstanceOfSatisfying(AttestationException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.PERMISSION_DENIED);
          assertThat(e.getMessage()).startsWith("aws_iid: ").contains(message);
        });
  }

  private AwsIidNodeAttestor attestor(Map<String, Object> extra) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("aws_ca_certificate_paths", Map.of(REGION, certificate.toString()));
    data.putAll(extra);
    AwsIidConfig config = AwsIidConfig.parse(ConfigSection.of("plugin_data", data));
    return new AwsIidNodeAttestor(config, AwsCaCertificates.load(config.caCertificatePaths()), ec2, organizations,
        (region, account) -> java.util.Set.copyOf(eksNodes), clock);
  }

  private byte[] payload(String document, String rsa2048) {
    return new IidAttestationData(document, aws.legacySignature(document), rsa2048).encode();
  }

  private static Ec2Api.Instance instance(Map<String, String> tags, String profile) {
    Instant launched = Instant.parse("2026-11-25T12:00:00Z");
    return new Ec2Api.Instance(tags, List.of(new Ec2Api.SecurityGroup("sg-0a1b2c3d", "web")), profile, "ebs",
        "/dev/xvda", List.of(new Ec2Api.BlockDevice("/dev/xvda", launched.plusSeconds(3))),
        List.of(new Ec2Api.NetworkInterface(0, launched)));
  }

  /** A hand-written Ec2Api over maps. */
  static final class MapEc2Api implements Ec2Api {
    final Map<String, Instance> instances = new HashMap<>();
    final Map<String, List<String>> profiles = new HashMap<>();
    int calls;

    @Override
    public Optional<Instance> describeInstance(String region, String accountId, String instanceId) {
      calls++;
      return Optional.ofNullable(instances.get(instanceId));
    }

    @Override
    public List<String> instanceProfileRoleArns(String region, String accountId, String instanceProfileName) {
      calls++;
      return profiles.getOrDefault(instanceProfileName, List.of());
    }
  }
}
