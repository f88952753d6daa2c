package dev.signet.attestors.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.plugin.PluginHarness;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A bad {@code plugin_data} of every built-in node attestor, each half, fails in {@code parse}: the stage
 * {@code validate} runs. The loaders' tests check that {@code validate} reaches it.
 */
class BadNodeAttestorBlocksTest {

  /** Server halves: plugin name, body of {@code plugin_data}, what the message says after the prefix. */
  static Stream<Arguments> serverBlocks() {
    return Stream.of(
        Arguments.of("join_token", "token = \"x\"", "unknown plugin_data keys"),
        Arguments.of("x509pop", "", "ca_bundle_path or ca_bundle_paths is required"),
        Arguments.of("x509pop", "mode = \"other\"", "mode \"other\" is neither external_pki nor spiffe"),
        Arguments.of("x509pop", "mode = \"spiffe\"\nsvid_prefix = \"nope\"", "svid_prefix \"nope\" must start with '/'"),
        Arguments.of("x509pop", "ca_bundle_path = \"/ca.pem\"\nagent_path_template = \"{{ .Nope }}\"",
            "agent_path_template \"{{ .Nope }}\" refers to .Nope"),
        Arguments.of("x509pop", "ca_bundle_path = \"/ca.pem\"\ncolour = \"red\"", "unknown plugin_data keys"),
        Arguments.of("k8s_psat", "", "at least one cluster must be configured in clusters"),
        Arguments.of("k8s_psat", "clusters = { \"c1\" = { } }", "cluster \"c1\" needs a service_account_allow_list"),
        Arguments.of("k8s_psat", "clusters = { \"c/1\" = { service_account_allow_list = [\"ns:sa\"] } }",
            "cluster name \"c/1\" must be one path segment"),
        Arguments.of("k8s_sat", "clusters = { \"c1\" = { service_account_allow_list = [\"ns:sa\"] } }",
            "cluster \"c1\" needs a service_account_key_file"),
        Arguments.of("k8s_sat", "clusters = { \"c1\" = { service_account_allow_list = [\"nosa\"] } }",
            "service account \"nosa\""),
        Arguments.of("aws_iid", "partition = \"mars\"", "invalid partition \"mars\""),
        Arguments.of("aws_iid", "colour = \"red\"", "unknown plugin_data keys"),
        Arguments.of("aws_iid", "agent_path_template = \"{{ .Nope }}\"", "agent_path_template \"{{ .Nope }}\""),
        Arguments.of("tpm", "", "one of ca_path, hash_path or ek_hashes is required"),
        Arguments.of("tpm", "ek_hashes = [\"abc\"]", "ek_hashes entry \"abc\" is not a hex SHA-256"),
        Arguments.of("tpm", "ek_hashes = [\"" + "ab".repeat(32) + "\"]\npcrs = [\"24\"]", "PCR \"24\""));
  }

  /** Agent halves: plugin name, body of {@code plugin_data}, what the message says after the prefix. */
  static Stream<Arguments> agentBlocks() {
    return Stream.of(
        Arguments.of("join_token", "token = \"x\"", "unknown plugin_data keys"),
        Arguments.of("x509pop", "certificate_path = \"/c\"", "certificate_path and private_key_path are required"),
        Arguments.of("x509pop", "certificate_path = \"/c\"\nprivate_key_path = \"/k\"\nkey = \"x\"",
            "unknown plugin_data keys"),
        Arguments.of("k8s_psat", "", "cluster is required"),
        Arguments.of("k8s_psat", "cluster = \"c1\"\ntoken = \"x\"", "unknown plugin_data keys"),
        Arguments.of("k8s_sat", "", "cluster is required"),
        Arguments.of("aws_iid", "ec2_metadata_endpoint = \"ftp://imds\"", "ec2_metadata_endpoint \"ftp://imds\""),
        Arguments.of("aws_iid", "region = \"x\"", "unknown plugin_data keys"),
        Arguments.of("tpm", "ek_algorithm = \"dsa\"", "ek_algorithm \"dsa\" must be rsa or ecc"),
        Arguments.of("tpm", "tpm_path = \"tpmrm0\"", "tpm_path \"tpmrm0\""));
  }

  @ParameterizedTest(name = "server {0}: {2}")
  @MethodSource("serverBlocks")
  void aBadServerBlockFailsParseWithThePrefixOnce(String name, String body, String message) {
    assertThatThrownBy(() -> PluginHarness.load(ServerNodeAttestors.CATALOG,
        PluginHarness.declaration(ServerNodeAttestors.CATALOG, name, body)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(" + name + "): ")
        .hasMessageContaining(message).message().doesNotContain("NodeAttestor \"" + name + "\": ");
  }

  @ParameterizedTest(name = "agent {0}: {2}")
  @MethodSource("agentBlocks")
  void aBadAgentBlockFailsParseWithThePrefixOnce(String name, String body, String message) {
    assertThatThrownBy(() -> PluginHarness.load(AgentNodeAttestors.CATALOG,
        PluginHarness.declaration(AgentNodeAttestors.CATALOG, name, body)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(" + name + "): ")
        .hasMessageContaining(message).message().doesNotContain("NodeAttestor \"" + name + "\": ");
  }

  /**
   * Server halves whose {@code plugin_data} names files (or whose credentials default to the environment): name,
   * body naming files that do not exist, what {@code create} says about them.
   */
  static Stream<Arguments> blocksNamingMissingFiles() {
    String missing = "/nonexistent-signet-dir/";
    return Stream.of(
        Arguments.of("k8s_sat", "clusters = { \"c1\" = { service_account_allow_list = [\"ns:sa\"]\n"
            + "service_account_key_file = \"" + missing + "sa.pem\" } }",
            "cluster \"c1\": service_account_key_file " + missing + "sa.pem: cannot be read"),
        Arguments.of("aws_iid", "aws_ca_certificate_paths = { \"us-east-1\" = \"" + missing + "aws.pem\" }",
            "aws_ca_certificate_paths: cannot read the certificate for region \"us-east-1\""),
        Arguments.of("x509pop", "ca_bundle_path = \"" + missing + "ca.pem\"", "cannot read CA bundle " + missing),
        Arguments.of("tpm", "ca_path = \"" + missing + "ek-ca.pem\"", "cannot read ca_path " + missing));
  }

  /** {@code parse} (all {@code validate} runs) opens no file: a missing one passes it and fails {@code create}. */
  @ParameterizedTest(name = "server {0}: {2}")
  @MethodSource("blocksNamingMissingFiles")
  void parseReadsNoFileCreateDoes(String name, String body, String message) {
    ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor> parsed = PluginHarness.load(ServerNodeAttestors.CATALOG,
        PluginHarness.declaration(ServerNodeAttestors.CATALOG, name, body));

    assertThatThrownBy(() -> parsed.create(NodeAttestorTesting.dependencies()))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(" + name + "): ")
        .hasMessageContaining(message);
    // validate's host check reads the same files and fails the same way, making no client
    assertThatThrownBy(parsed::checkHost)
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(" + name + "): ")
        .hasMessageContaining(message);
  }

  @Test
  void everyBuiltInHasBadBlocksOnBothSides() {
    assertThat(names(serverBlocks())).containsExactlyInAnyOrderElementsOf(ServerNodeAttestors.CATALOG.names());
    assertThat(names(agentBlocks())).containsExactlyInAnyOrderElementsOf(AgentNodeAttestors.CATALOG.names());
  }

  private static Set<Object> names(Stream<Arguments> rows) {
    return new TreeSet<>(rows.map(row -> row.get()[0]).toList());
  }
}
