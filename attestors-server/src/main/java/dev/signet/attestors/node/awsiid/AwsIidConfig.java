package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AgentPathTemplate;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The checked {@code plugin_data} of the server half. SPIRE's keys: {@code access_key_id},
 * {@code secret_access_key} (default: the {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} environment),
 * {@code skip_block_device}, {@code disable_instance_profile_selectors}, {@code account_ids_for_local_validation}
 * (accounts whose instances skip the block-device check), {@code agent_path_template}, {@code assume_role},
 * {@code partition}. Signet's additions: {@code account_allow_list} (only these accounts may attest),
 * {@code skip_describe_instances} (trust the signed document alone; requires {@code account_allow_list}),
 * {@code aws_ca_certificate_paths} (region → PEM file, replacing or adding an AWS certificate) and
 * {@code ec2_endpoint}/{@code iam_endpoint}/{@code sts_endpoint}/{@code organizations_endpoint}. SPIRE's
 * {@code verify_organization} block ({@code management_account_id}, {@code assume_org_role},
 * {@code management_account_region} default us-west-2 (the partition's own outside aws), {@code org_account_map_ttl} default 3m, at least 1m) and {@code validate_eks_cluster_membership} block
 * ({@code eks_cluster_names}; Signet's {@code eks_endpoint}/{@code autoscaling_endpoint}).
 */
record AwsIidConfig(
    AwsSdkEc2Api.Settings aws,
    boolean skipBlockDevice,
    boolean disableInstanceProfileSelectors,
    Set<String> localValidationAccounts,
    Set<String> accountAllowList,
    boolean skipDescribeInstances,
    java.util.Optional<Organization> organization,
    java.util.Optional<EksValidation> eks,
    AgentPathTemplate template,
    boolean templateUsesTags,
    Map<String, String> caCertificatePaths) {

  /**
   * SPIRE's {@code verify_organization} block: only ACTIVE accounts of the organization whose management
   * account is {@code managementAccountId} may attest; the list is read through {@code role} in that account.
   */
  record Organization(String managementAccountId, String role, String region, Duration ttl, URI endpoint) {}

  /**
   * SPIRE's {@code validate_eks_cluster_membership} block: the instance must be in an Auto Scaling group of a
   * node group of one of these EKS clusters. The endpoints are Signet additions (null: AWS's own).
   */
  record EksValidation(List<String> clusterNames, URI eksEndpoint, URI autoscalingEndpoint) {}

  private static final java.util.regex.Pattern CLUSTER_NAME = java.util.regex.Pattern.compile(
      "[0-9A-Za-z][A-Za-z0-9_-]{0,99}");
  static final Duration DEFAULT_ORG_TTL = Duration.ofMinutes(3);
  static final Duration MIN_ORG_TTL = Duration.ofMinutes(1);
  /** SPIRE's default management_account_region is us-west-2; outside the aws partition, the partition's own. */
  static final Map<String, String> DEFAULT_ORG_REGIONS = Map.of("aws", "us-west-2", "aws-cn", "cn-northwest-1",
      "aws-us-gov", "us-gov-west-1");
  private static final java.util.regex.Pattern REGION = java.util.regex.Pattern.compile("[a-z]{2}(-[a-z]+)+-[0-9]+");
  static final String DEFAULT_TEMPLATE = "/{{ .PluginName }}/{{ .AccountID }}/{{ .Region }}/{{ .InstanceID }}";
  static final List<String> PARTITIONS = List.of("aws", "aws-cn", "aws-us-gov");
  static final String TAGS_PREFIX = "Tags.";
  private static final Set<String> FIELDS = Set.of("PluginName", "TrustDomain", "AccountID", "Region", "InstanceID");

  /**
   * Checks {@code data} (the one place both {@code run} and {@code validate} go through). Pure: the credentials
   * are those of {@code plugin_data} only; {@link #withEnvironmentCredentials} fills the rest in when the plugin
   * is created.
   */
  static AwsIidConfig parse(ConfigSection data) {
    String accessKeyId = data.getString("access_key_id", "");
    String secretAccessKey = data.getString("secret_access_key", "");
    String partition = data.getString("partition", "");
    if (partition.isEmpty()) {
      partition = "aws";
    }
    if (!PARTITIONS.contains(partition)) {
      throw new ConfigException("invalid partition \"" + partition + "\", must be one of: " + PARTITIONS);
    }
    String templateText = data.getString("agent_path_template", "");
    if (templateText.isEmpty()) {
      templateText = DEFAULT_TEMPLATE;
    }
    AgentPathTemplate template = AgentPathTemplate.parse(templateText, new TemplateFields());
    boolean usesTags = template.fields().stream().anyMatch(field -> field.startsWith(TAGS_PREFIX));
    Set<String> allowList = Set.copyOf(data.getList("account_allow_list"));
    boolean skipDescribe = data.getBool("skip_describe_instances", false);
    if (skipDescribe && allowList.isEmpty()) {
      throw new ConfigException("skip_describe_instances requires account_allow_list: without"
          + " DescribeInstances any AWS account's instances could attest");
    }
    if (skipDescribe && usesTags) {
      throw new ConfigException("agent_path_template \"" + templateText
          + "\" uses instance tags, which need DescribeInstances (skip_describe_instances is set)");
    }
    Map<String, String> caPaths = new LinkedHashMap<>();
    data.getMap("aws_ca_certificate_paths").forEach((region, path) -> {
      if (!(path instanceof String text) || text.isEmpty()) {
        throw new ConfigException("aws_ca_certificate_paths: the value for region \"" + region
            + "\" must be a file path");
      }
      caPaths.put(region, text);
    });
    AwsSdkEc2Api.Settings aws = new AwsSdkEc2Api.Settings(accessKeyId, Secret.of(secretAccessKey),
        data.getString("assume_role", ""), partition, endpoint(data, "ec2_endpoint"), endpoint(data, "iam_endpoint"),
        endpoint(data, "sts_endpoint"));
    java.util.Optional<Organization> organization = organization(data, partition);
    java.util.Optional<EksValidation> eks = eks(data);
    AwsIidConfig config = new AwsIidConfig(aws, data.getBool("skip_block_device", false),
        data.getBool("disable_instance_profile_selectors", false),
        Set.copyOf(data.getList("account_ids_for_local_validation")), allowList, skipDescribe, organization, eks,
        template, usesTags, Map.copyOf(caPaths));
    if (!data.unknownKeys().isEmpty()) {
      throw new ConfigException("unknown plugin_data keys " + data.unknownKeys());
    }
    return config;
  }

  private static java.util.Optional<EksValidation> eks(ConfigSection data) {
    URI eksEndpoint = endpoint(data, "eks_endpoint");
    URI autoscalingEndpoint = endpoint(data, "autoscaling_endpoint");
    if (!data.accept("validate_eks_cluster_membership")) {
      if (eksEndpoint != null || autoscalingEndpoint != null) {
        throw new ConfigException("eks_endpoint/autoscaling_endpoint are set but"
            + " validate_eks_cluster_membership is not");
      }
      return java.util.Optional.empty();
    }
    ConfigSection block = data.section("validate_eks_cluster_membership");
    List<String> names = block.getList("eks_cluster_names");
    if (names.isEmpty()) {
      throw new ConfigException("validate_eks_cluster_membership needs eks_cluster_names (remove the block"
          + " to turn the EKS check off)");
    }
    for (String name : names) {
      if (!CLUSTER_NAME.matcher(name).matches()) {
        throw new ConfigException("validate_eks_cluster_membership: \"" + name
            + "\" is not an EKS cluster name");
      }
    }
    if (!block.unknownKeys().isEmpty()) {
      throw new ConfigException("validate_eks_cluster_membership: unknown keys " + block.unknownKeys());
    }
    return java.util.Optional.of(new EksValidation(List.copyOf(names), eksEndpoint, autoscalingEndpoint));
  }

  private static java.util.Optional<Organization> organization(ConfigSection data, String partition) {
    URI endpoint = endpoint(data, "organizations_endpoint");
    if (!data.accept("verify_organization")) {
      if (endpoint != null) {
        throw new ConfigException("organizations_endpoint is set but verify_organization is not");
      }
      return java.util.Optional.empty();
    }
    ConfigSection block = data.section("verify_organization");
    String account = block.getString("management_account_id", "");
    String role = block.getString("assume_org_role", "");
    if (account.isEmpty() || role.isEmpty()) {
      throw new ConfigException("verify_organization needs management_account_id and assume_org_role"
          + " (remove the block to turn organization checks off)");
    }
    if (!account.matches("[0-9]{12}")) {
      throw new ConfigException("verify_organization: management_account_id \"" + account
          + "\" is not a 12-digit AWS account ID");
    }
    String region = block.getString("management_account_region", "");
    if (!region.isEmpty() && !REGION.matcher(region).matches()) {
      throw new ConfigException("verify_organization: management_account_region \"" + region
          + "\" is not an AWS region name");
    }
    Duration ttl = block.getDuration("org_account_map_ttl", DEFAULT_ORG_TTL);
    if (ttl.compareTo(MIN_ORG_TTL) < 0) {
      throw new ConfigException("verify_organization: org_account_map_ttl " + ttl + " is under the minimum of "
          + MIN_ORG_TTL.toMinutes() + "m");
    }
    if (!block.unknownKeys().isEmpty()) {
      throw new ConfigException("verify_organization: unknown keys " + block.unknownKeys());
    }
    return java.util.Optional.of(new Organization(account, role,
        region.isEmpty() ? DEFAULT_ORG_REGIONS.get(partition) : region, ttl, endpoint));
  }

  private static URI endpoint(ConfigSection data, String key) {
    String value = data.getString(key, "");
    if (value.isEmpty()) {
      return null;
    }
    try {
      URI uri = URI.create(value);
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("not an absolute URL");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + " \"" + value + "\" is not a URL: " + e.getMessage());
    }
  }

  /**
   * This configuration with the AWS credentials {@code plugin_data} left empty taken from the environment, as
   * SPIRE does ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}); an access key id without a secret
   * (or the reverse) is an error once both sources are read.
   *
   * @param environment reads an environment variable (null when unset)
   */
  AwsIidConfig withEnvironmentCredentials(UnaryOperator<String> environment) {
    String accessKeyId = aws.accessKeyId();
    String secretAccessKey = aws.secretAccessKey().reveal();
    if (accessKeyId.isEmpty()) {
      accessKeyId = orEmpty(environment.apply("AWS_ACCESS_KEY_ID"));
    }
    if (secretAccessKey.isEmpty()) {
      secretAccessKey = orEmpty(environment.apply("AWS_SECRET_ACCESS_KEY"));
    }
    if (!accessKeyId.isEmpty() && secretAccessKey.isEmpty()) {
      throw new ConfigException("configuration missing secret access key, but has access key id");
    }
    if (accessKeyId.isEmpty() && !secretAccessKey.isEmpty()) {
      throw new ConfigException("configuration missing access key id, but has secret access key");
    }
    AwsSdkEc2Api.Settings credentials = new AwsSdkEc2Api.Settings(accessKeyId, Secret.of(secretAccessKey),
        aws.assumeRole(), aws.partition(), aws.ec2Endpoint(), aws.iamEndpoint(), aws.stsEndpoint());
    return new AwsIidConfig(credentials, skipBlockDevice, disableInstanceProfileSelectors, localValidationAccounts,
        accountAllowList, skipDescribeInstances, organization, eks, template, templateUsesTags, caCertificatePaths);
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  /** The template fields SPIRE offers: the fixed ones plus {@code Tags.<key>} for any tag key. */
  private static final class TemplateFields extends AbstractSet<String> {
    @Override
    public boolean contains(Object field) {
      return FIELDS.contains(field) || (field instanceof String name && name.startsWith(TAGS_PREFIX)
          && name.length() > TAGS_PREFIX.length());
    }

    @Override
    public Iterator<String> iterator() {
      return java.util.stream.Stream.concat(FIELDS.stream(), java.util.stream.Stream.of("Tags.<key>")).iterator();
    }

    @Override
    public int size() {
      return FIELDS.size() + 1;
    }
  }
}
