package dev.signet.attestors.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.plugin.PluginHarness;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code WorkloadAttestor} catalog, loaded from HCL as {@code agent.conf} does. */
class BuiltInWorkloadAttestorsTest {
  @TempDir Path temp;

  private WorkloadAttestorDependencies dependencies() {
    return new WorkloadAttestorDependencies(new LinuxProcFs(temp),
        new EtcUserDirectory(temp.resolve("p"), temp.resolve("g")));
  }

  @Test
  void unixFromAgentConf() {
    WorkloadAttestor attestor = PluginHarness.load(BuiltInWorkloadAttestors.CATALOG, """
        WorkloadAttestor "unix" {
          plugin_data {
            discover_workload_path = true
            workload_size_limit = 1048576
          }
        }
        """).create(dependencies());
    assertThat(attestor.name()).isEqualTo("unix");
  }

  @Test
  void everyBuiltInLoadsWithDefaultsUnderSpiresName() {
    assertThat(BuiltInWorkloadAttestors.CATALOG.names()).containsExactly("unix", "docker", "systemd", "k8s");
    for (String name : List.of("unix", "docker", "systemd")) {
      assertThat(PluginHarness.load(BuiltInWorkloadAttestors.CATALOG, "WorkloadAttestor \"" + name + "\" {}")
          .create(dependencies()).name()).isEqualTo(name);
    }
    // k8s reads the kubelet's CA when it is created, not when it is parsed: validate needs no cluster
    assertThat(PluginHarness.load(BuiltInWorkloadAttestors.CATALOG, "WorkloadAttestor \"k8s\" {}").name())
        .isEqualTo("k8s");
  }

  @Test
  void unknownNamesAreConfigErrorsListingTheBuiltIns() {
    assertThatThrownBy(() -> PluginHarness.load(BuiltInWorkloadAttestors.CATALOG, "WorkloadAttestor \"podman\" {}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("unknown WorkloadAttestor \"podman\"; built in: unix, docker, systemd, k8s");
  }

  @Test
  void atLeastOneIsRequired() {
    assertThatThrownBy(() -> PluginHarness.loadAll(BuiltInWorkloadAttestors.CATALOG, ""))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("at least one WorkloadAttestor plugin is required");
  }

  /** A bad {@code plugin_data} of every built-in fails {@code parse}, the stage {@code validate} runs. */
  @ParameterizedTest(name = "{0}: {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "unix    | typo = true                         | unknown plugin_data keys",
      "docker  | docker_version = \"latest\"           | docker_version \"latest\"",
      "docker  | typo = true                         | unknown plugin_data keys",
      "systemd | typo = true                         | unknown plugin_data keys",
      "k8s     | max_poll_attempts = 0               | max_poll_attempts must be at least 1",
      "k8s     | kubelet_secure_port = 70000         | kubelet_secure_port 70000 is not a port",
      "k8s     | certificate_path = \"/c\"             | certificate_path and private_key_path go together"})
  void aBadBlockFailsParseWithThePrefixOnce(String name, String body, String message) {
    assertThatThrownBy(() -> PluginHarness.load(BuiltInWorkloadAttestors.CATALOG,
        PluginHarness.declaration(BuiltInWorkloadAttestors.CATALOG, name, body)))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("workloadattestor(" + name + "): ")
        .hasMessageContaining(message).message().doesNotContain("WorkloadAttestor \"" + name + "\": ");
  }
}
