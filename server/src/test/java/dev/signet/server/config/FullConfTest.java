package dev.signet.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.config.HclDocument;
import dev.signet.common.testing.KeyRecorder;
import dev.signet.server.cli.ServerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code doc/server_full.conf}: {@code signet-server validate} accepts it as shipped, and every key the loader
 * looks up in it (the {@code server} block, the blocks under it and the other top-level blocks; plugin_data is
 * covered by the plugin pages) is set in it or shown commented out.
 */
class FullConfTest {
  private static final Path FULL = Path.of("../doc/server_full.conf");

  @Test
  void validatesAsShipped() {
    assertThat(ServerMain.commandLine().execute("validate", "-config", FULL.toString())).isZero();
  }

  @Test
  void namesEveryKeyTheLoaderReads() throws IOException {
    String text = Files.readString(FULL);
    KeyRecorder recorder = new KeyRecorder();
    ServerConfigLoader.parse(recorder.wrap(HclDocument.load(FULL)),
        new ServerFlags(null, null, null, null, null, null, false));
    assertThat(recorder.asked()).as("keys read").contains("server.trust_domain", "server.ca_subject.country");
    assertThat(recorder.notShownIn(text)).as("keys the loader reads that server_full.conf does not show").isEmpty();
  }
}
