package dev.signet.attestors.node.awsiid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AwsIidConfigTest {
  @Test
  void defaultsAreSpires() {
    AwsIidConfig config = parse(Map.of(), Map.of());
    assertThat(config.aws().partition()).isEqualTo("aws");
    assertThat(config.template().fields()).containsExactly("PluginName", "AccountID", "Region", "InstanceID");
    assertThat(config.skipBlockDevice()).isFalse();
    assertThat(config.skipDescribeInstances()).isFalse();
    assertThat(config.accountAllowList()).isEmpty();
  }

  @Test
  void credentialsComeFromTheEnvironmentWhenNotConfigured() {
    AwsIidConfig config = parse(Map.of(), Map.of("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY", "s3cr3t"));
    assertThat(config.aws().accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(config.aws().toString()).doesNotContain("s3cr3t");
    assertThatThrownBy(() -> parse(Map.of("access_key_id", "AKIDEXAMPLE"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing secret access key");
    assertThatThrownBy(() -> parse(Map.of("secret_access_key", "x"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing access key id");
  }

  @Test
  void refusesWhatItCannotHonour() {
    assertThatThrownBy(() -> parse(Map.of("partition", "aws-mars"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("invalid partition \"aws-mars\"");
    assertThatThrownBy(() -> parse(Map.of("skip_describe_instances", true), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("requires account_allow_list");
    assertThatThrownBy(() -> parse(Map.of("skip_describe_instances", true, "account_allow_list", List.of("1"),
        "agent_path_template", "/{{ .Tags.Name }}"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("uses instance tags");
    assertThatThrownBy(() -> parse(Map.of("agent_path_template", "/{{ .Fingerprint }}"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining(".Fingerprint");
    assertThatThrownBy(() -> parse(Map.of("verify_organization", Map.of()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("needs management_account_id and assume_org_role");
    assertThatThrownBy(() -> parse(Map.of("verify_organization", Map.of("management_account_id", "12345",
        "assume_org_role", "r")), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("12-digit");
    assertThatThrownBy(() -> parse(Map.of("verify_organization", Map.of("management_account_id", "123456789012",
        "assume_org_role", "r", "org_account_map_ttl", "30s")), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("under the minimum");
    assertThatThrownBy(() -> parse(Map.of("verify_organization", Map.of("management_account_id", "123456789012",
        "assume_org_role", "r", "org_account_role", "typo")), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown keys").hasMessageContaining("org_account_role");
    assertThatThrownBy(() -> parse(Map.of("organizations_endpoint", "http://127.0.0.1:1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("verify_organization is not");
    assertThatThrownBy(() -> parse(Map.of("verify_organization", Map.of("management_account_id", "123456789012",
        "assume_org_role", "r", "management_account_region", "US West")), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not an AWS region name");
    assertThatThrownBy(() -> parse(Map.of("validate_eks_cluster_membership", Map.of()), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("needs eks_cluster_names");
    assertThatThrownBy(() -> parse(Map.of("validate_eks_cluster_membership", Map.of("eks_cluster_names",
        List.of("prod/../x"))), Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("not an EKS cluster name");
    assertThatThrownBy(() -> parse(Map.of("eks_endpoint", "http://127.0.0.1:1"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("validate_eks_cluster_membership is not");
    assertThat(parse(Map.of("validate_eks_cluster_membership", Map.of("eks_cluster_names", List.of("prod", "staging"))),
        Map.of()).eks().orElseThrow().clusterNames()).containsExactly("prod", "staging");
    assertThatThrownBy(() -> parse(Map.of("skip_block_devices", true), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown plugin_data keys")
        .hasMessageContaining("skip_block_devices");
    assertThatThrownBy(() -> parse(Map.of("ec2_endpoint", "not a url"), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ec2_endpoint");
  }

  @Test
  void verifyOrganizationTakesSpiresKeysAndDefaults() {
    AwsIidConfig.Organization org = parse(Map.of("verify_organization", Map.of("management_account_id", "123456789012",
        "assume_org_role", "spire-org-reader")), Map.of()).organization().orElseThrow();
    assertThat(org).isEqualTo(new AwsIidConfig.Organization("123456789012", "spire-org-reader", "us-west-2",
        java.time.Duration.ofMinutes(3), null));
    AwsIidConfig.Organization custom = parse(Map.of("organizations_endpoint", "http://127.0.0.1:1",
        "verify_organization", Map.of("management_account_id", "123456789012", "assume_org_role", "reader",
            "management_account_region", "eu-west-1", "org_account_map_ttl", "15m")), Map.of()).organization().orElseThrow();
    assertThat(custom.region()).isEqualTo("eu-west-1");
    assertThat(custom.ttl()).isEqualTo(java.time.Duration.ofMinutes(15));
    assertThat(custom.endpoint()).hasToString("http://127.0.0.1:1");
    assertThat(parse(Map.of(), Map.of()).organization()).isEmpty();
    assertThat(parse(Map.of("partition", "aws-us-gov", "verify_organization", Map.of("management_account_id",
        "123456789012", "assume_org_role", "r")), Map.of()).organization().orElseThrow().region())
        .isEqualTo("us-gov-west-1");
  }

  @Test
  void parseReadsNoEnvironmentTheCreatingStageDoes() {
    AwsIidConfig parsed = AwsIidConfig.parse(ConfigSection.of("plugin_data", Map.of("access_key_id", "AKIDEXAMPLE")));
    assertThat(parsed.aws().accessKeyId()).isEqualTo("AKIDEXAMPLE");
    assertThat(parsed.aws().secretAccessKey().reveal()).isEmpty();
    assertThat(parsed.withEnvironmentCredentials(Map.of("AWS_SECRET_ACCESS_KEY", "s3cr3t")::get).aws()
        .secretAccessKey().reveal()).isEqualTo("s3cr3t");
    assertThatThrownBy(() -> parsed.withEnvironmentCredentials(name -> null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("missing secret access key");
  }

  /** Both stages, as the plugin is created: {@code parse}, then the environment. */
  private static AwsIidConfig parse(Map<String, Object> data, Map<String, String> environment) {
    return AwsIidConfig.parse(ConfigSection.of("plugin_data", data)).withEnvironmentCredentials(environment::get);
  }
}
