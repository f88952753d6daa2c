package dev.signet.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The DataStore, KeyManager and UpstreamAuthority catalogs as {@code server.conf} reaches them. */
class ServerCatalogsTest {
  private static final String CONFIG = ServerConfigLoaderTest.MINIMAL;

  private static ServerConfig parse(String text) {
    return ServerConfigLoader.parse(HclDocument.parse(text, "server.conf"), ServerFlags.NONE).config();
  }

  /** A bad {@code plugin_data} of each of these built-ins fails the loader {@code validate} and {@code run} share. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "DataStore \"sql\" { plugin_data { database_type = \"h2\" } }|DataStore \"sql\" { plugin_data { database_type = \"oracle\" } }|datastore(sql): |oracle",
      "KeyManager \"memory\" { plugin_data {} }|KeyManager \"disk\" { plugin_data {} }|keymanager(disk): |keys_path",
      "KeyManager \"memory\" { plugin_data {} }|KeyManager \"memory\" { plugin_data { keys_path = \"/k\" } }|keymanager(memory): |unknown plugin_data keys",
      "NodeAttestor \"join_token\" { plugin_data {} }|NodeAttestor \"join_token\" { plugin_data {} }\\nUpstreamAuthority \"disk\" { plugin_data { cert_file_path = \"/c\" } }|upstreamauthority(disk): |key_file_path"})
  void aBadBlockIsRefusedWithThePluginPrefix(String original, String replacement, String prefix, String message) {
    String config = CONFIG.replace(original, replacement.replace("\\n", "\n"));
    assertThatThrownBy(() -> parse(config)).isInstanceOf(ConfigException.class).hasMessageStartingWith(prefix)
        .hasMessageContaining(message);
  }

  @Test
  void theKeyManagerAndUpstreamAreCreatedFromTheirCatalogs() {
    ServerConfig config = parse(CONFIG.replace("KeyManager \"memory\" { plugin_data {} }",
        "KeyManager \"disk\" { plugin_data { keys_path = \"/var/lib/signet/keys.json\" } }"));
    assertThat(config.keyManager().name()).isEqualTo("disk");
    assertThat(config.keysPath()).contains(Path.of("/var/lib/signet/keys.json"));
    assertThat(config.upstreamAuthority()).isNull();
    assertThat(parse(CONFIG).keysPath()).isEmpty();
    assertThat(parse(CONFIG).keyManager().create(null).name()).isEqualTo("memory");
  }

  @Test
  void theBuiltInsCarrySpiresNames() {
    assertThat(ServerCatalogs.DATA_STORES.names()).containsExactly("sql");
    assertThat(ServerCatalogs.KEY_MANAGERS.names()).containsExactly("disk", "memory");
    assertThat(ServerCatalogs.UPSTREAM_AUTHORITIES.names()).containsExactly("disk", "spire");
    assertThatThrownBy(() -> parse(CONFIG.replace("DataStore \"sql\" { plugin_data { database_type = \"h2\" } }", "")))
        .isInstanceOf(ConfigException.class).hasMessage("a DataStore plugin is required (DataStore \"sql\")");
  }
}
