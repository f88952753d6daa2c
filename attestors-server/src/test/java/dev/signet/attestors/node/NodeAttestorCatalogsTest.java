package dev.signet.attestors.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.plugin.PluginHarness;
import dev.signet.common.secret.Secret;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two node attestor catalogs: names, cardinality, single-use flags, prefixes, loading through HCL. */
class NodeAttestorCatalogsTest {
  private static final List<String> BUILT_INS = List.of("join_token", "x509pop", "k8s_psat", "k8s_sat", "aws_iid",
      "tpm");

  @Test
  void bothSidesBuildInTheSameAttestorsUnderSpiresNames() {
    assertThat(ServerNodeAttestors.CATALOG.names()).containsExactlyElementsOf(BUILT_INS);
    assertThat(AgentNodeAttestors.CATALOG.names()).containsExactlyElementsOf(BUILT_INS);
  }

  @Test
  void theTrustOnFirstUseAttestorsAndJoinTokensAreSingleUseOnBothSides() {
    for (String name : BUILT_INS) {
      boolean singleUse = List.of("join_token", "k8s_sat", "aws_iid").contains(name);
      assertThat(ServerNodeAttestors.CATALOG.find(name).orElseThrow().singleUse()).as(name).isEqualTo(singleUse);
      assertThat(AgentNodeAttestors.CATALOG.find(name).orElseThrow().singleUse()).as(name).isEqualTo(singleUse);
    }
  }

  @Test
  void theServerTakesSeveralAttestorsButAtLeastOne() {
    List<ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor>> configured = PluginHarness.loadAll(
        ServerNodeAttestors.CATALOG, """
            NodeAttestor "join_token" { plugin_data {} }
            NodeAttestor "tpm" { plugin_data { ek_hashes = ["%s"] } }
            """.formatted("ab".repeat(32)));

    assertThat(configured).extracting(ConfiguredPlugin::name).containsExactly("join_token", "tpm");
    assertThat(configured.get(1).create(NodeAttestorTesting.dependencies()).name()).isEqualTo("tpm");
    assertThatThrownBy(() -> PluginHarness.loadAll(ServerNodeAttestors.CATALOG, "KeyManager \"memory\" {}"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("at least one NodeAttestor plugin is required");
  }

  @Test
  void theAgentTakesExactlyOne() {
    assertThatThrownBy(() -> PluginHarness.loadAll(AgentNodeAttestors.CATALOG, """
        NodeAttestor "join_token" { plugin_data {} }
        NodeAttestor "x509pop" {
          plugin_data {
            certificate_path = "/c"
            private_key_path = "/k"
          }
        }
        """)).isInstanceOf(ConfigException.class).hasMessage("only one NodeAttestor plugin may be configured, found "
        + "NodeAttestor \"join_token\" and NodeAttestor \"x509pop\"");
    assertThatThrownBy(() -> PluginHarness.loadAll(AgentNodeAttestors.CATALOG, ""))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("a NodeAttestor plugin is required");
  }

  @Test
  void anUnknownNameListsTheBuiltIns() {
    assertThatThrownBy(() -> PluginHarness.load(AgentNodeAttestors.CATALOG, "NodeAttestor \"tpm_devid\" {}"))
        .isInstanceOf(ConfigException.class).hasMessage("unknown NodeAttestor \"tpm_devid\"; built in: join_token, "
            + "x509pop, k8s_psat, k8s_sat, aws_iid, tpm");
  }

  @Test
  void errorsOfCreateCarryThePrefixOnce() {
    ConfiguredPlugin<NodeAttestorDependencies, NodeAttestor> x509pop = PluginHarness.load(ServerNodeAttestors.CATALOG,
        "NodeAttestor \"x509pop\" { plugin_data { ca_bundle_path = \"/nonexistent/ca.pem\" } }");

    assertThatThrownBy(() -> x509pop.create(NodeAttestorTesting.dependencies())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nodeattestor(x509pop): cannot read CA bundle /nonexistent/ca.pem")
        .message().doesNotContain("NodeAttestor \"x509pop\": ");
  }

  @Test
  void theAgentsJoinTokenHalfAttestsOnlyWithAToken() {
    ConfiguredPlugin<AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> joinToken =
        PluginHarness.load(AgentNodeAttestors.CATALOG, "NodeAttestor \"join_token\" {}");

    assertThat(joinToken.create(new AgentNodeAttestorDependencies(Optional.empty()))).isEmpty();
    assertThat(joinToken.create(new AgentNodeAttestorDependencies(Optional.of(Secret.of("t0k3n")))).orElseThrow()
        .payload()).asString().isEqualTo("t0k3n");
  }

  @Test
  void eachCreateMakesANewAgentClient() {
    ConfiguredPlugin<AgentNodeAttestorDependencies, Optional<NodeAttestorClient>> tpm =
        PluginHarness.load(AgentNodeAttestors.CATALOG, "NodeAttestor \"tpm\" { plugin_data { ek_algorithm = \"ecc\" } }");
    AgentNodeAttestorDependencies none = new AgentNodeAttestorDependencies(Optional.empty());

    assertThat(tpm.create(none).orElseThrow()).isNotSameAs(tpm.create(none).orElseThrow());
  }
}
