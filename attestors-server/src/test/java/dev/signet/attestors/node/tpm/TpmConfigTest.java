package dev.signet.attestors.node.tpm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.node.NodeAttestorTesting;
import dev.signet.attestors.node.ServerNodeAttestors;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.plugin.PluginHarness;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The {@code plugin_data} of both halves, and how the agent half reports an unreachable TPM. */
class TpmConfigTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "/dev/tpmrm0|/dev/tpmrm0",
      "device:/dev/tpm0|/dev/tpm0",
      "swtpm:host=127.0.0.1,port=2321|swtpm:host=127.0.0.1,port=2321",
      "mssim:port=4000|swtpm:host=127.0.0.1,port=4000",
      "swtpm:host=tpm.local|swtpm:host=tpm.local,port=2321"})
  void tpmPathsLikeTctis(String value, String parsed) {
    assertThat(TpmAddress.parse(value)).hasToString(parsed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"tpmrm0", "swtpm:port=x", "swtpm:port=65535", "swtpm:host=a,path=/x", "swtpm:nonsense",
      "device:"})
  void badTpmPathsAreConfigErrorsQuotingTheValue(String value) {
    assertThatThrownBy(() -> TpmAddress.parse(value)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("tpm_path \"" + value + "\"");
  }

  @Test
  void anUnreachableTpmIsAClearError() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    TpmAttestorClient client = TpmAttestorClient.create(ConfigSection.of("plugin_data",
        Map.of("tpm_path", "swtpm:host=127.0.0.1,port=" + port)));

    assertThatThrownBy(client::payload).isInstanceOf(IllegalStateException.class)
        .hasMessage("tpm: cannot connect to the TPM simulator at swtpm:host=127.0.0.1,port=" + port);
  }

  @Test
  void aMissingTpmDeviceIsAClearError() {
    TpmAttestorClient client = TpmAttestorClient.create(ConfigSection.of("plugin_data",
        Map.of("tpm_path", "/nonexistent/tpmrm0")));

    assertThatThrownBy(client::payload).hasMessageContaining("tpm: cannot open /nonexistent/tpmrm0");
  }

  @Test
  void theAgentsEkAlgorithmIsRsaOrEcc() {
    TpmAttestorClient.create(ConfigSection.of("plugin_data", Map.of("ek_algorithm", "ecc")));
    TpmAttestorClient.create(ConfigSection.of("plugin_data", Map.of("ek_algorithm", "rsa")));
    assertThatThrownBy(() -> TpmAttestorClient.create(ConfigSection.of("plugin_data", Map.of("ek_algorithm", "dsa"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ek_algorithm \"dsa\" must be rsa or ecc");
  }

  @Test
  void agentUnknownKeysAreErrors() {
    assertThatThrownBy(() -> TpmAttestorClient.create(ConfigSection.of("plugin_data", Map.of("tcti", "x"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown plugin_data keys [plugin_data.tcti]");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{}|one of ca_path, hash_path or ek_hashes is required",
      "{\"ek_hashes\":[\"abc\"]}|ek_hashes entry \"abc\" is not a hex SHA-256",
      "{\"hash_path\":\"/nonexistent\"}|hash_path /nonexistent is not a directory",
      "{\"ca_path\":\"/nonexistent\"}|cannot read ca_path /nonexistent",
      "{\"ek_hashes\":[],\"ca_path\":\"\",\"hash_path\":\"\",\"x\":1}|unknown plugin_data keys [plugin_data.x]",
      "{\"ek_hashes\":[\"" + "0000000000000000000000000000000000000000000000000000000000000000" + "\"],\"pcrs\":[24]}|PCR \"24\"",
      "{\"ek_hashes\":[\"" + "0000000000000000000000000000000000000000000000000000000000000000"
          + "\"],\"required_pcrs\":{\"7\":\"zz\"}}|required_pcrs \"7\" = \"zz\""})
  void serverConfigErrors(String json, String message) throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> data = new com.fasterxml.jackson.databind.ObjectMapper()
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_LONG_FOR_INTS).readValue(json, Map.class);
    assertThatThrownBy(() -> PluginHarness.load(ServerNodeAttestors.CATALOG, "tpm", data)
        .create(NodeAttestorTesting.dependencies())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("nodeattestor(tpm): ").hasMessageContaining(message);
  }

  @Test
  void serverConfigWithHashesOnly() {
    assertThat(TpmNodeAttestor.create(ConfigSection.of("plugin_data", Map.of("ek_hashes", List.of("ab".repeat(32)),
        "pcrs", List.of(0L, "7"))), java.time.Clock.systemUTC()).name()).isEqualTo("tpm");
  }
}
