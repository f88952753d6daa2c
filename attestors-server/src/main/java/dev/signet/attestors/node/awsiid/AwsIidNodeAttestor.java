package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestResult;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.attestors.node.NodeAttestor;
import dev.signet.attestors.node.NodeAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of {@code NodeAttestor "aws_iid"}: the agent sends its EC2 instance identity document with
 * AWS's RSA-2048 PKCS#7 signature; the signature must verify with AWS's certificate for the document's region
 * ({@link IidSignature} says exactly what is checked), and the identity is read from the signed bytes. Then,
 * as in SPIRE, the instance is looked up with DescribeInstances (it must be pending or running) and, unless
 * its account is in {@code account_ids_for_local_validation} or {@code skip_block_device} is set, its root
 * volume must have been attached with its first network interface (within 60 s): a volume moved from
 * another instance cannot be used to replay that instance's document.
 *
 * <p>Agent ID {@code spiffe://<td>/spire/agent} + {@code agent_path_template} (default
 * {@code /{{ .PluginName }}/{{ .AccountID }}/{{ .Region }}/{{ .InstanceID }}}). Selectors (type
 * {@code aws_iid}): {@code az:}, {@code image:id:}, {@code instance:id:}, {@code region:}, and from
 * DescribeInstances {@code tag:<key>:<value>}, {@code sg:id:}, {@code sg:name:} and {@code iamrole:<role arn>}.
 * Trust on first use, as SPIRE: {@link AttestResult#canReattest()} is false, so the server refuses a second
 * attestation of the same agent ID until the agent is evicted.
 *
 * <p>Failures: a malformed payload is INVALID_ARGUMENT; a bad signature, an account not allowed, an instance
 * not running or a failed block-device check is PERMISSION_DENIED; AWS not answering is UNAVAILABLE. The
 * document and signatures are never logged.
 */
public final class AwsIidNodeAttestor implements NodeAttestor {
  public static final String NAME = AwsIid.NAME;
  static final Duration MAX_ATTACH_DISPARITY = Duration.ofSeconds(60);
  private static final Logger log = LoggerFactory.getLogger(AwsIidNodeAttestor.class);
  private static final Pattern INSTANCE_PROFILE = Pattern.compile("^arn:[^:]*:iam::[^:]*:instance-profile[/:](.+)$");

  private final AwsIidConfig config;
  private final AwsCaCertificates certificates;
  private final Ec2Api ec2;
  /** How long the instances of the EKS clusters' node groups are kept (SPIRE's 30 s). */
  static final java.time.Duration EKS_NODES_TTL = java.time.Duration.ofSeconds(30);
  /** The validate_eks_cluster_membership source; null when not configured. */
  private final EksApi eks;
  /** The EKS clusters' node instances, per account@region. */
  private final Map<String, RefreshingIdSet> eksNodes = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.time.Clock clock;
  /** The verify_organization check; null when not configured. */
  private final RefreshingIdSet organization;

  AwsIidNodeAttestor(AwsIidConfig config, AwsCaCertificates certificates, Ec2Api ec2,
      OrganizationsApi organizations, EksApi eks, java.time.Clock clock) {
    this.config = config;
    this.certificates = certificates;
    this.ec2 = ec2;
    this.eks = config.eks().isPresent() ? eks : null;
    this.clock = clock;
    this.organization = config.organization().map(org -> new RefreshingIdSet(
        "verify_organization: the organization's account list", organizations::activeAccountIds, org.ttl(),
        java.time.Duration.ofMinutes(1), java.time.Duration.ofSeconds(10), clock)).orElse(null);
  }

  /**
   * The server half as its catalog knows it: {@link AwsIidConfig} parsed from {@code plugin_data}; {@code create}
   * defaults the AWS credentials to the environment (as SPIRE), reads the CA certificate files and makes the AWS
   * clients. Trust on first use: single use.
   */
  public static final PluginDescriptor<?, NodeAttestorDependencies, NodeAttestor> DESCRIPTOR =
      new BuiltIn<AwsIidConfig, NodeAttestorDependencies, NodeAttestor>(NAME,
          (data, core) -> AwsIidConfig.parse(data), (config, deps) -> create(config, deps.clock()),
          true).checkingHost(config -> AwsCaCertificates.load(config.caCertificatePaths()));

  /** From {@code plugin_data}; AWS credentials default to the environment as in SPIRE. */
  public static AwsIidNodeAttestor create(ConfigSection data) {
    return create(AwsIidConfig.parse(data), java.time.Clock.systemUTC());
  }

  private static AwsIidNodeAttestor create(AwsIidConfig parsed, java.time.Clock clock) {
    AwsIidConfig config = parsed.withEnvironmentCredentials(System::getenv);
    return new AwsIidNodeAttestor(config, AwsCaCertificates.load(config.caCertificatePaths()),
        new AwsSdkEc2Api(config.aws()),
        config.organization().map(org -> new AwsOrganizationsClient(config.aws(), org)).orElse(null),
        config.eks().map(eks -> new AwsEksClient(config.aws(), eks)).orElse(null), clock);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AttestResult attest(TrustDomain trustDomain, byte[] payload, Challenger challenger) {
    IidAttestationData data = IidAttestationData.decode(payload);
    IidSignature signature = IidSignature.parse(data.rsa2048(), data.document());
    // The region picks the certificate, so it is read before the check; the same bytes are then verified.
    InstanceIdentityDocument document = InstanceIdentityDocument.parse(signature.content());
    X509Certificate certificate = certificates.forRegion(document.region()).orElseThrow(
        () -> AttestationException.denied(NAME + ": no AWS certificate for region \"" + document.region() + "\""));
    signature.verify(certificate, document.region());

    if (!config.accountAllowList().isEmpty() && !config.accountAllowList().contains(document.accountId())) {
      throw AttestationException.denied(NAME + ": account \"" + document.accountId() + "\" is not in account_allow_list");
    }
    if (organization != null && !organization.contains(document.accountId())) {
      log.info("aws_iid: refused instance {}: account {} is not an active account of the organization of management"
          + " account {}", document.instanceId(), document.accountId(), config.organization().orElseThrow()
          .managementAccountId());
      throw AttestationException.denied(NAME + ": account \"" + document.accountId()
          + "\" is not an active account of the AWS organization");
    }
    Optional<Ec2Api.Instance> instance = Optional.empty();
    List<String> roleArns = List.of();
    if (!config.skipDescribeInstances()) {
      Ec2Api.Instance described = ec2.describeInstance(document.region(), document.accountId(), document.instanceId())
          .orElseThrow(() -> AttestationException.denied(NAME + ": instance \"" + document.instanceId() + "\" of account \""
              + document.accountId() + "\" is not pending or running in region \"" + document.region() + "\""));
      if (!config.skipBlockDevice() && !config.localValidationAccounts().contains(document.accountId())) {
        checkBlockDevice(described);
      }
      if (!config.disableInstanceProfileSelectors() && !described.instanceProfileArn().isEmpty()) {
        roleArns = ec2.instanceProfileRoleArns(document.region(), document.accountId(),
            instanceProfileName(described.instanceProfileArn()));
      }
      instance = Optional.of(described);
    }
    if (eks != null && !eksNodes(document.region(), document.accountId()).contains(document.instanceId())) {
      throw AttestationException.denied(NAME + ": instance \"" + document.instanceId() + "\" is not a node of EKS"
          + " clusters " + config.eks().orElseThrow().clusterNames() + " (no node group's Auto Scaling group holds it)");
    }
    SpiffeId agentId = agentId(trustDomain, document, instance.map(Ec2Api.Instance::tags).orElse(Map.of()));
    log.info("aws_iid: verified instance {} of account {} in {} (agent ID {})", document.instanceId(),
        document.accountId(), document.region(), agentId);
    return new AttestResult(agentId, selectors(document, instance, roleArns), false);
  }

  private RefreshingIdSet eksNodes(String region, String accountId) {
    return eksNodes.computeIfAbsent(accountId + "@" + region, key -> new RefreshingIdSet(
        "validate_eks_cluster_membership: the node list of account " + accountId + " in " + region,
        () -> eks.nodeInstances(region, accountId), EKS_NODES_TTL, java.time.Duration.ofSeconds(5),
        java.time.Duration.ofSeconds(10), clock));
  }

  /** SPIRE's anti-tampering check: see the class comment. */
  static void checkBlockDevice(Ec2Api.Instance instance) {
    if (instance.networkInterfaces().isEmpty()) {
      throw AttestationException.denied(NAME + ": the EC2 instance has no network interface");
    }
    Ec2Api.NetworkInterface first = instance.networkInterfaces().getFirst();
    if (first.deviceIndex() == null || first.deviceIndex() != 0) {
      throw AttestationException.denied(NAME + ": the EC2 instance network interface attachment device index must be"
          + " zero (has " + first.deviceIndex() + ")");
    }
    if ("instance-store".equals(instance.rootDeviceType())) {
      return;
    }
    Ec2Api.BlockDevice root = instance.blockDevices().stream()
        .filter(device -> device.deviceName().equals(instance.rootDeviceName())).findFirst()
        .orElseThrow(() -> AttestationException.denied(NAME + ": failed to locate the root device block mapping with"
            + " name \"" + instance.rootDeviceName() + "\""));
    Instant interfaceAttached = first.attachTime();
    Instant rootAttached = root.ebsAttachTime();
    if (interfaceAttached == null || rootAttached == null) {
      throw AttestationException.denied(NAME + ": the attach times of the root volume and first network interface"
          + " are unknown");
    }
    long disparity = Math.abs(Duration.between(interfaceAttached, rootAttached).toSeconds());
    if (disparity > MAX_ATTACH_DISPARITY.toSeconds()) {
      throw AttestationException.denied(NAME + ": root BlockDeviceMapping and NetworkInterface[0] attach times differ by "
          + disparity + " seconds");
    }
  }

  static String instanceProfileName(String arn) {
    Matcher matcher = INSTANCE_PROFILE.matcher(arn);
    if (!matcher.matches()) {
      throw AttestationException.denied(NAME + ": \"" + arn + "\" is not an instance profile ARN");
    }
    String[] path = matcher.group(1).split("/");
    return path[path.length - 1];
  }

  private static final java.util.regex.Pattern TAG_SEGMENT = java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

  private SpiffeId agentId(TrustDomain trustDomain, InstanceIdentityDocument document, Map<String, String> tags) {
    Map<String, String> values = new HashMap<>();
    values.put("PluginName", NAME);
    values.put("TrustDomain", trustDomain.name());
    values.put("AccountID", document.accountId());
    values.put("Region", document.region());
    values.put("InstanceID", document.instanceId());
    for (String field : config.template().fields()) {
      if (field.startsWith(AwsIidConfig.TAGS_PREFIX)) {
        String key = field.substring(AwsIidConfig.TAGS_PREFIX.length());
        String value = tags.get(key);
        if (value == null || value.isEmpty()) {
          throw AttestationException.denied(NAME + ": agent_path_template needs tag \"" + key + "\", which instance \""
              + document.instanceId() + "\" does not have");
        }
        // Tags are set by anyone allowed ec2:CreateTags: one path segment only, or a tag could name another
        // attestor's agent (".../tpm/<hash>").
        if (!TAG_SEGMENT.matcher(value).matches() || value.equals(".") || value.equals("..")) {
          throw AttestationException.denied(NAME + ": tag \"" + key + "\" of instance \"" + document.instanceId()
              + "\" is not usable in an agent ID (one path segment of letters, digits, '.', '_', '-')");
        }
        values.put(field, value);
      }
    }
    String path = "/spire/agent" + config.template().render(values);
    try {
      return trustDomain.id(path);
    } catch (IllegalArgumentException e) {
      throw AttestationException.denied(NAME + ": agent_path_template gives \"" + path + "\", not a valid agent ID: "
          + e.getMessage());
    }
  }

  private static List<Selector> selectors(InstanceIdentityDocument document, Optional<Ec2Api.Instance> instance,
      List<String> roleArns) {
    TreeSet<String> values = new TreeSet<>();
    values.add("image:id:" + InstanceIdentityDocument.orEmpty(document.imageId()));
    values.add("instance:id:" + document.instanceId());
    values.add("region:" + document.region());
    values.add("az:" + InstanceIdentityDocument.orEmpty(document.availabilityZone()));
    instance.ifPresent(described -> {
      described.tags().forEach((key, value) -> values.add("tag:" + key + ":" + value));
      described.securityGroups().forEach(group -> {
        values.add("sg:id:" + group.id());
        values.add("sg:name:" + group.name());
      });
    });
    roleArns.forEach(arn -> values.add("iamrole:" + arn));
    List<Selector> selectors = new ArrayList<>();
    values.forEach(value -> selectors.add(new Selector(NAME, value)));
    return selectors;
  }
}
