package dev.signet.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.ServerNodeAttestors;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.server.cli.ServerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code signet-server validate} refuses a bad {@code plugin_data} of every built-in node attestor, as {@code run}
 * does: both load the config through the catalog, whose {@code parse} checks each block.
 */
class BadNodeAttestorDataTest {
  /** The minimal config with a second node attestor whose name and plugin_data body are filled in. */
  private static final String CONFIG = ServerConfigLoaderTest.MINIMAL.replace(
      "NodeAttestor \"join_token\" { plugin_data {} }\n",
      "NodeAttestor \"join_token\" { plugin_data {} }\n  NodeAttestor \"%s\" { plugin_data { %s } }\n");

  @TempDir Path temp;

  /** Plugin name, body of {@code plugin_data}, what the message says after the prefix. */
  static Stream<Arguments> badBlocks() {
    return Stream.of(
        Arguments.of("x509pop", "mode = \"other\"", "mode \"other\" is neither external_pki nor spiffe"),
        Arguments.of("k8s_psat", "clusters = { \"c1\" = { } }", "cluster \"c1\" needs a service_account_allow_list"),
        Arguments.of("k8s_sat", "clusters = { \"c1\" = { service_account_allow_list = [\"ns:sa\"] } }",
            "cluster \"c1\" needs a service_account_key_file"),
        Arguments.of("aws_iid", "partition = \"mars\"", "invalid partition \"mars\""),
        Arguments.of("tpm", "ek_hashes = [\"abc\"]", "ek_hashes entry \"abc\" is not a hex SHA-256"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("badBlocks")
  void validateRefusesItWithThePluginPrefix(String name, String body, String message) throws Exception {
    String config = CONFIG.formatted(name, body);
    assertThatThrownBy(() -> ServerConfigLoader.parse(HclDocument.parse(config, "server.conf"), ServerFlags.NONE))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(" + name + "): ")
        .hasMessageContaining(message);
    Path file = temp.resolve("server.conf");
    Files.writeString(file, config);
    assertThat(ServerMain.commandLine().execute("validate", "-config", file.toString())).isEqualTo(1);
  }

  @Test
  void aJoinTokenWithPluginDataIsRefusedToo() {
    String config = CONFIG.formatted("join_token", "").replace("NodeAttestor \"join_token\" { plugin_data {} }\n", "")
        .replace("plugin_data {  }", "plugin_data { ttl = 1 }");
    assertThatThrownBy(() -> ServerConfigLoader.parse(HclDocument.parse(config, "server.conf"), ServerFlags.NONE))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("nodeattestor(join_token): unknown plugin_data keys");
  }

  @Test
  void everyBuiltInButJoinTokenHasARow() {
    TreeSet<Object> names = new TreeSet<>(badBlocks().map(row -> row.get()[0]).toList());
    names.add("join_token");
    assertThat(names).containsExactlyInAnyOrderElementsOf(ServerNodeAttestors.CATALOG.names());
  }

}
