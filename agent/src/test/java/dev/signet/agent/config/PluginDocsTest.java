package dev.signet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.agent.state.AgentKeyManagers;
import dev.signet.attestors.node.AgentNodeAttestors;
import dev.signet.attestors.workload.BuiltInWorkloadAttestors;
import dev.signet.common.testing.PluginDocPages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent's plugin pages in {@code doc/} against the agent's catalogs ({@link PluginDocPages}). */
class PluginDocsTest {
  @Test
  void everyAgentPluginHasAPageWhoseKeysItsParserAccepts() {
    int pages = PluginDocPages.check(Path.of("../doc"), "agent", List.of(AgentNodeAttestors.CATALOG,
        BuiltInWorkloadAttestors.CATALOG, AgentKeyManagers.CATALOG));
    assertThat(pages).isEqualTo(12);
  }
}
