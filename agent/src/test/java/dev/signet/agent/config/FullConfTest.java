package dev.signet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.agent.cli.AgentMain;
import dev.signet.common.config.HclDocument;
import dev.signet.common.testing.KeyRecorder;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code doc/agent_full.conf}: {@code signet-agent validate} accepts it as shipped, and every key the loader
 * looks up in it (the {@code agent} block, the blocks under it and the other top-level blocks; plugin_data is
 * covered by the plugin pages) is set in it or shown commented out.
 */
class FullConfTest {
  private static final Path FULL = Path.of("../doc/agent_full.conf");

  @Test
  void validatesAsShipped() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = AgentMain.commandLine(options -> 1, new PrintWriter(out), new PrintWriter(err))
        .execute("validate", "-config", FULL.toString());
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString()).contains("is valid");
  }

  @Test
  void namesEveryKeyTheLoaderReads() throws IOException {
    String text = Files.readString(FULL);
    KeyRecorder recorder = new KeyRecorder();
    AgentConfigLoader.parse(recorder.wrap(HclDocument.load(FULL)),
        new AgentFlags(null, null, null, null, null, null, null, null, null, null, null, false));
    assertThat(recorder.asked()).as("keys read").contains("agent.trust_domain", "agent.sds.default_svid_name");
    assertThat(recorder.notShownIn(text)).as("keys the loader reads that agent_full.conf does not show").isEmpty();
  }
}
