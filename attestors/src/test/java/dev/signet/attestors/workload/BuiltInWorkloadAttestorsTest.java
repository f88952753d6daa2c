package dev.signet.attestors.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.PluginBlock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInWorkloadAttestorsTest {
  @TempDir Path temp;

  private BuiltInWorkloadAttestors registry() {
    return new BuiltInWorkloadAttestors(new LinuxProcFs(temp), new EtcUserDirectory(temp.resolve("p"), temp.resolve("g")));
  }

  private static PluginBlock block(String name, Map<String, Object> data) {
    return new PluginBlock("WorkloadAttestor", name,
        dev.signet.common.config.ConfigSection.of("plugins.WorkloadAttestor." + name + ".plugin_data", data),
        true, "", List.of(), "", "");
  }

  @Test
  void unixFromAgentConf() {
    String conf = "plugins {\n  WorkloadAttestor \"unix\" {\n    plugin_data {\n      discover_workload_path = true\n"
        + "      workload_size_limit = 1048576\n    }\n  }\n}\n";
    List<PluginBlock> plugins = HclDocument.parse(conf).root().plugins();
    assertThat(plugins).hasSize(1);
    WorkloadAttestor attestor = registry().create(plugins.getFirst());
    assertThat(attestor.name()).isEqualTo("unix");
  }

  @Test
  void unknownNamesAndKeysAreConfigErrors() {
    assertThatThrownBy(() -> registry().create(block("podman", Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("WorkloadAttestor \"podman\": unknown built-in workload attestor");
    assertThatThrownBy(() -> registry().create(block("unix", Map.of("typo", true))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("typo");
  }
}
