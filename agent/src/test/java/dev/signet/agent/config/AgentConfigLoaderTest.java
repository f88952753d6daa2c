package dev.signet.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.agent.sds.SdsConfig;
import dev.signet.common.config.HclDocument;
import dev.signet.common.secret.Secret;
import dev.signet.common.spiffe.SpiffeId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigLoaderTest {
  private static final String MINIMAL = """
      agent {
        trust_domain = "example.org"
        data_dir = "/var/lib/signet-agent"
        server_address = "127.0.0.1"
        trust_bundle_path = "/etc/signet/bootstrap.crt"
      }
      plugins {
        NodeAttestor "join_token" { plugin_data {} }
        KeyManager "memory" { plugin_data {} }
        WorkloadAttestor "unix" { plugin_data {} }
      }
      """;

  private static AgentConfigLoader.Loaded parse(String text, AgentFlags flags) {
    return AgentConfigLoader.parse(HclDocument.parse(text, "agent.conf"), flags);
  }

  @Test
  void aTypicalSpireAgentConfigLoadsUnchanged() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/config/agent.conf")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    AgentConfigLoader.Loaded loaded = parse(text, AgentFlags.NONE);
    AgentConfig config = loaded.config();
    assertThat(config.serverAddress()).isEqualTo("spire-server");
    assertThat(config.serverPort()).isEqualTo(8081);
    assertThat(config.joinToken().reveal()).isEqualTo("8f3c…");
    assertThat(config.authorizedDelegates()).containsExactly(SpiffeId.parse("spiffe://example.org/delegate"));
    assertThat(config.keyManagerDirectory()).isEqualTo(Path.of("/opt/spire/data/agent"));
    assertThat(config.workloadAttestors()).extracting(b -> b.name()).containsExactly("unix", "k8s", "docker");
    assertThat(config.healthChecks().bindPort()).isEqualTo(8082);
    assertThat(loaded.warnings()).noneMatch(w -> w.contains("sds"));
    assertThat(config.sds()).isEqualTo(SdsConfig.DEFAULT);
    assertThat(config.toString()).doesNotContain("8f3c");
  }

  @Test
  void theSdsBlockIsReadAndChecked() {
    String custom = MINIMAL.replace("agent {", """
        agent {
          sds {
            default_svid_name = "svid"
            default_bundle_name = "bundle"
            default_all_bundles_name = "bundles"
            disable_spiffe_cert_validation = true
          }""");
    assertThat(parse(custom, AgentFlags.NONE).config().sds())
        .isEqualTo(new SdsConfig("svid", "bundle", "bundles", true));
    assertThat(parse(MINIMAL, AgentFlags.NONE).config().sds()).isEqualTo(SdsConfig.DEFAULT);
    assertThatThrownBy(() -> parse(MINIMAL.replace("agent {", "agent {\n sds { default_svid_nam = \"x\" }"),
        AgentFlags.NONE)).hasMessageContaining("agent.sds.default_svid_nam");
    assertThatThrownBy(() -> parse(MINIMAL.replace("agent {", "agent {\n sds { default_bundle_name = \"default\" }"),
        AgentFlags.NONE)).hasMessageContaining("agent.sds.").hasMessageContaining("must differ");
    assertThatThrownBy(() -> parse(MINIMAL.replace("agent {",
        "agent {\n sds { default_svid_name = \"spiffe://example.org/x\" }"), AgentFlags.NONE))
        .hasMessageContaining("agent.sds.default_svid_name \"spiffe://example.org/x\" must not start with spiffe://");
    assertThatThrownBy(() -> parse(MINIMAL.replace("agent {", "agent {\n sds { default_all_bundles_name = \"\" }"),
        AgentFlags.NONE)).hasMessageContaining("agent.sds.default_all_bundles_name must not be empty");
    assertThatThrownBy(() -> parse(MINIMAL.replace("agent {",
        "agent {\n sds { disable_spiffe_cert_validation = \"maybe\" }"), AgentFlags.NONE))
        .hasMessageContaining("agent.sds.disable_spiffe_cert_validation");
  }

  @Test
  void defaultsAreSpires() {
    AgentConfig config = parse(MINIMAL, AgentFlags.NONE).config();
    assertThat(config.serverPort()).isEqualTo(8081);
    assertThat(config.socketPath()).isEqualTo(Path.of("/tmp/spire-agent/public/api.sock"));
    assertThat(config.x509SvidCacheMaxSize()).isEqualTo(1000);
    assertThat(config.syncInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.workloadKeyType().configName()).isEqualTo("ec-p256");
    assertThat(config.serverId()).isEqualTo(SpiffeId.parse("spiffe://example.org/spire/server"));
    assertThat(config.keyManagerDirectory()).isNull();
    assertThat(config.allowInsecureDataDirPermissions()).isFalse();
  }

  @Test
  void theDataDirPermissionsOptOutIsAKnownAgentKey() {
    AgentConfigLoader.Loaded loaded = parse(MINIMAL.replace("server_address = \"127.0.0.1\"",
        "server_address = \"127.0.0.1\"\n  allow_insecure_data_dir_permissions = true"), AgentFlags.NONE);

    assertThat(loaded.config().allowInsecureDataDirPermissions()).isTrue();
    assertThat(loaded.warnings()).noneMatch(w -> w.contains("allow_insecure"));
  }

  @Test
  void logFormatAndLogFileTakeEffectWithoutAWarning() {
    assertThat(parse(MINIMAL, AgentFlags.NONE).config().logOutput()).isEqualTo(dev.signet.common.logging.LogOutput.DEFAULT);

    AgentConfigLoader.Loaded loaded = parse(MINIMAL.replace("server_address = \"127.0.0.1\"",
        "server_address = \"127.0.0.1\"\n  log_format = \"JSON\"\n  log_file = \"/var/log/signet/agent.log\""), AgentFlags.NONE);

    assertThat(loaded.config().logOutput()).isEqualTo(new dev.signet.common.logging.LogOutput(
        dev.signet.common.logging.LogOutput.Format.JSON, java.nio.file.Path.of("/var/log/signet/agent.log")));
    assertThat(loaded.warnings()).noneMatch(w -> w.contains("log_"));
  }

  @Test
  void theCryptoProviderIsAutoByDefaultAndChecked() {
    assertThat(parse(MINIMAL, AgentFlags.NONE).config().cryptoProvider())
        .isEqualTo(dev.signet.common.crypto.CryptoProviderMode.AUTO);
    String accp = MINIMAL.replace("server_address = \"127.0.0.1\"",
        "server_address = \"127.0.0.1\"\n  crypto_provider = \"accp\"");
    assertThat(parse(accp, AgentFlags.NONE).config().cryptoProvider())
        .isEqualTo(dev.signet.common.crypto.CryptoProviderMode.ACCP);
    String bad = MINIMAL.replace("server_address = \"127.0.0.1\"",
        "server_address = \"127.0.0.1\"\n  crypto_provider = \"openssl\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(bad, AgentFlags.NONE))
        .isInstanceOf(dev.signet.common.config.ConfigException.class)
        .hasMessage("agent.crypto_provider \"openssl\" is not one of auto, accp, bouncycastle");
  }

  @Test
  void flagsOverrideTheFileAndTheTokenFileIsRead(@TempDir Path dir) throws IOException {
    Path tokenFile = Files.writeString(dir.resolve("token"), "abc-123\n");
    AgentFlags flags = new AgentFlags(null, tokenFile, "10.0.0.9", 9000, null, null, null, null, dir,
        dir.resolve("api.sock"), "debug", false);
    AgentConfig config = parse(MINIMAL, flags).config();
    assertThat(config.joinToken().reveal()).isEqualTo("abc-123");
    assertThat(config.serverAddress()).isEqualTo("10.0.0.9");
    assertThat(config.serverPort()).isEqualTo(9000);
    assertThat(config.dataDir()).isEqualTo(dir);
    assertThat(config.socketPath()).isEqualTo(dir.resolve("api.sock"));
    assertThat(config.logLevel()).isEqualTo("DEBUG");
  }

  @Test
  void bootstrapMustBeExactlyOneWay() {
    assertThatThrownBy(() -> parse(MINIMAL.replace("trust_bundle_path = \"/etc/signet/bootstrap.crt\"", ""),
        AgentFlags.NONE)).hasMessageContaining("a trust bundle is required");
    assertThatThrownBy(() -> parse(MINIMAL.replace("server_address", "insecure_bootstrap = true\n server_address"),
        AgentFlags.NONE)).hasMessageContaining("insecure_bootstrap cannot be combined");
    assertThatThrownBy(() -> parse(MINIMAL.replace("trust_bundle_path = \"/etc/signet/bootstrap.crt\"",
        "trust_bundle_url = \"http://example.org/b\""), AgentFlags.NONE)).hasMessageContaining("must use https");
    AgentConfig insecure = parse(MINIMAL.replace("trust_bundle_path = \"/etc/signet/bootstrap.crt\"",
        "insecure_bootstrap = true"), AgentFlags.NONE).config();
    assertThat(insecure.insecureBootstrap()).isTrue();
  }

  @Test
  void badConfigsAreRefused() {
    assertThatThrownBy(() -> parse(MINIMAL.replace("server_address", "bogus = 1\n server_address"), AgentFlags.NONE))
        .hasMessageContaining("\"agent.bogus\"");
    assertThatThrownBy(() -> parse(MINIMAL.replace("WorkloadAttestor \"unix\" { plugin_data {} }", ""),
        AgentFlags.NONE)).hasMessageContaining("at least one WorkloadAttestor");
    assertThatThrownBy(() -> parse(MINIMAL.replace("KeyManager \"memory\"", "KeyManager \"tpm\""), AgentFlags.NONE))
        .hasMessageContaining("unknown KeyManager \"tpm\"");
    assertThatThrownBy(() -> parse(MINIMAL.replace("\"example.org\"", "\"Example.ORG\""), AgentFlags.NONE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> parse(MINIMAL, new AgentFlags(Secret.of("a"), Path.of("/x"), null, null, null, null, null, null,
        null, null, null, false))).hasMessageContaining("cannot both be given");
    assertThatThrownBy(() -> parse(MINIMAL.replace("server_address", "admin_socket_path = \"/tmp/spire-agent/public/admin.sock\"\n server_address"),
        AgentFlags.NONE)).hasMessageContaining("admin_socket_path");
    // SPIRE on Linux refuses agent_windows.conf's named pipe with these words; an empty one is accepted
    assertThatThrownBy(() -> parse(MINIMAL.replace("server_address", "experimental { named_pipe_name = \"\\\\spire-agent\\\\public\\\\api\" }\n server_address"),
        AgentFlags.NONE)).hasMessageContaining("agent.experimental.named_pipe_name \"\\spire-agent\\public\\api\" is not supported in this platform; please use socket_path instead");
    parse(MINIMAL.replace("server_address", "experimental { named_pipe_name = \"\" }\n server_address"), AgentFlags.NONE);
  }

  /** KeyManager blocks go through the agent's catalog: a bad one fails validate as it fails run. */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "KeyManager \"disk\" { plugin_data {} }|keymanager(disk): |directory",
      "KeyManager \"memory\" { plugin_data { directory = \"/d\" } }|keymanager(memory): |unknown plugin_data keys"})
  void aBadKeyManagerBlockIsRefusedWithThePluginPrefix(String block, String prefix, String message) {
    assertThatThrownBy(() -> parse(MINIMAL.replace("KeyManager \"memory\" { plugin_data {} }", block), AgentFlags.NONE))
        .isInstanceOf(dev.signet.common.config.ConfigException.class).hasMessageStartingWith(prefix)
        .hasMessageContaining(message);
  }
}
