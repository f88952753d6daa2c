package dev.signet.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.node.ServerNodeAttestors;
import dev.signet.common.testing.PluginDocPages;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's plugin pages in {@code doc/} against the server's catalogs ({@link PluginDocPages}). */
class PluginDocsTest {
  @Test
  void everyServerPluginHasAPageWhoseKeysItsParserAccepts() {
    int pages = PluginDocPages.check(Path.of("../doc"), "server", List.of(ServerNodeAttestors.CATALOG,
        ServerCatalogs.DATA_STORES, ServerCatalogs.KEY_MANAGERS, ServerCatalogs.UPSTREAM_AUTHORITIES));
    assertThat(pages).isEqualTo(11);
  }
}
