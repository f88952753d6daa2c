package dev.signet.agent.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HelperConfigParserTest {
  private static final String X509 = """
      svid_file_name = "svid.pem"
      svid_key_file_name = "svid_key.pem"
      svid_bundle_file_name = "svid_bundle.pem"
      """;

  private static HelperConfig parse(String hcl) {
    return HelperConfigParser.parse(HclDocument.parse(hcl), null, Map.of());
  }

  @Test
  void readsEveryKeyOfSpiffeHelpersConfiguration() {
    HelperConfig config = parse("""
        agent_address = "/run/spire/agent.sock"
        cmd = "/usr/bin/ghostunnel"
        cmd_args = "server --listen 'localhost:8002' --target \\"local host:8001\\" --keystore certs/svid_key.pem"
        pid_file_name = "/var/run/app.pid"
        cert_dir = "/etc/app/certs"
        daemon_mode = false
        add_intermediates_to_bundle = true
        renew_signal = "SIGUSR1"
        svid_file_name = "svid.pem"
        svid_key_file_name = "svid_key.pem"
        svid_bundle_file_name = "svid_bundle.pem"
        include_federated_domains = true
        cert_file_mode = 0444
        key_file_mode = 0640
        jwt_bundle_file_mode = 0644
        jwt_svid_file_mode = 0400
        jwt_svids = [{jwt_audience = "db", jwt_extra_audiences = ["a2", "a3"], jwt_svid_file_name = "db.token"},
                     {jwt_audience = "web", jwt_svid_file_name = "web.token"}]
        jwt_bundle_file_name = "bundle.json"
        hint = "internal"
        health_checks {
          listener_enabled = true
          bind_port = 8089
          liveness_path = "/alive"
          readiness_path = "/readyz"
        }
        """);
    assertThat(config.agentAddress()).isEqualTo(Path.of("/run/spire/agent.sock"));
    assertThat(config.cmd()).isEqualTo("/usr/bin/ghostunnel");
    assertThat(config.cmdArgs()).containsExactly("server", "--listen", "localhost:8002", "--target", "local host:8001",
        "--keystore", "certs/svid_key.pem");
    assertThat(config.pidFile()).isEqualTo(Path.of("/var/run/app.pid"));
    assertThat(config.certDir()).isEqualTo(Path.of("/etc/app/certs"));
    assertThat(config.daemonMode()).isFalse();
    assertThat(config.addIntermediatesToBundle()).isTrue();
    assertThat(config.renewSignal()).isEqualTo(new RenewSignal("SIGUSR1"));
    assertThat(config.file(config.svidFileName())).isEqualTo(Path.of("/etc/app/certs/svid.pem"));
    assertThat(config.svidKeyFileName()).isEqualTo("svid_key.pem");
    assertThat(config.svidBundleFileName()).isEqualTo("svid_bundle.pem");
    assertThat(config.includeFederatedDomains()).isTrue();
    assertThat(config.certFileMode()).isEqualTo(new FileMode(0444));
    assertThat(config.keyFileMode()).isEqualTo(new FileMode(0640));
    assertThat(config.jwtBundleFileMode()).isEqualTo(new FileMode(0644));
    assertThat(config.jwtSvidFileMode()).isEqualTo(new FileMode(0400));
    assertThat(config.jwtSvids()).containsExactly(new JwtSvidTarget("db", List.of("a2", "a3"), "db.token"),
        new JwtSvidTarget("web", List.of(), "web.token"));
    assertThat(config.jwtSvids().getFirst().audiences()).containsExactly("db", "a2", "a3");
    assertThat(config.jwtBundleFileName()).isEqualTo("bundle.json");
    assertThat(config.hint()).isEqualTo("internal");
    assertThat(config.healthChecks()).isEqualTo(new HelperHealthChecks(true, 8089, "/alive", "/readyz"));
  }

  @Test
  void defaultsAreSpiffeHelpers() {
    HelperConfig config = parse(X509);
    assertThat(config.agentAddress()).isEqualTo(Path.of("/tmp/spire-agent/public/api.sock"));
    assertThat(config.daemonMode()).isTrue();
    assertThat(config.certDir()).isEqualTo(Path.of(""));
    assertThat(config.certFileMode()).isEqualTo(new FileMode(0644));
    assertThat(config.keyFileMode()).isEqualTo(new FileMode(0600));
    assertThat(config.jwtBundleFileMode()).isEqualTo(new FileMode(0600));
    assertThat(config.jwtSvidFileMode()).isEqualTo(new FileMode(0600));
    assertThat(config.cmd()).isNull();
    assertThat(config.cmdArgs()).isEmpty();
    assertThat(config.renewSignal()).isNull();
    assertThat(config.hint()).isEmpty();
    assertThat(config.addIntermediatesToBundle()).isFalse();
    assertThat(config.includeFederatedDomains()).isFalse();
    assertThat(config.healthChecks().enabled()).isFalse();
    assertThat(config.healthChecks()).isEqualTo(new HelperHealthChecks(false, 8081, "/live", "/ready"));
    assertThat(HelperConfigParser.parse(HclDocument.parse(X509 + "health_checks { listener_enabled = true }"), null,
        Map.of()).healthChecks()).isEqualTo(new HelperHealthChecks(true, 8081, "/live", "/ready"));
  }

  @Test
  void theAgentAddressFallsBackToSpiffeEndpointSocketAndAcceptsUnixUris() {
    assertThat(HelperConfigParser.parse(HclDocument.parse(X509), null,
        Map.of("SPIFFE_ENDPOINT_SOCKET", "unix:///run/agent.sock")).agentAddress()).isEqualTo(Path.of("/run/agent.sock"));
    assertThat(parse(X509 + "agent_address = \"unix:///run/a.sock\"").agentAddress()).isEqualTo(Path.of("/run/a.sock"));
    assertThat(HelperConfigParser.parse(HclDocument.parse(X509 + "agent_address = \"/x.sock\""), null,
        Map.of("SPIFFE_ENDPOINT_SOCKET", "unix:///run/agent.sock")).agentAddress()).isEqualTo(Path.of("/x.sock"));
  }

  @Test
  void theDaemonModeFlagWinsOverTheFile() {
    assertThat(HelperConfigParser.parse(HclDocument.parse(X509 + "daemon_mode = true"), false, Map.of()).daemonMode())
        .isFalse();
    assertThat(HelperConfigParser.parse(HclDocument.parse(X509 + "daemon_mode = false"), true, Map.of()).daemonMode())
        .isTrue();
  }

  @Test
  void modesMayBeWrittenAsStringsAndZeroMeansTheDefault() {
    HelperConfig config = parse(X509 + "cert_file_mode = \"0640\"\nkey_file_mode = 0");
    assertThat(config.certFileMode()).isEqualTo(new FileMode(0640));
    assertThat(config.keyFileMode()).isEqualTo(new FileMode(0600));
    assertThat(new FileMode(0640).permissions()).hasToString("[OWNER_READ, OWNER_WRITE, GROUP_READ]");
  }

  @Test
  void jwtOnlyConfigurationsNeedNoX509Files() {
    HelperConfig config = parse("jwt_bundle_file_name = \"bundle.json\"");
    assertThat(config.writesX509()).isFalse();
    assertThat(parse("jwt_svids = [{jwt_audience = \"a\", jwt_svid_file_name = \"t\"}]").jwtSvids()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      cert_file_mode = 0999                      | "0999" is not a number (a leading 0 makes it octal)
      cert_file_mode = "0999"                    | cert_file_mode: expected an octal file mode such as 0644, got "0999"
      cert_file_mode = "rw-r--r--"               | cert_file_mode: expected an octal file mode such as 0644, got "rw-r--r--"
      cert_file_mode = 04755                     | cert_file_mode: file mode 4755 is not between 0000 and 0777
      key_file_mode = 0644                       | key_file_mode 0644 lets other users use the private key
      key_file_mode = 0444                       | key_file_mode 0444 lets other users use the private key
      key_file_mode = 0602                       | key_file_mode 0602 lets other users use the private key
      jwt_svid_file_mode = 0604                  | jwt_svid_file_mode 0604 lets other users read a bearer token
      renew_signal = "HUP"                       | renew_signal "HUP" is not a signal name such as "SIGHUP" or "SIGUSR1" (write "SIGHUP")
      renew_signal = "SIGFOO"                    | renew_signal "SIGFOO" is not a signal name
      pid_file_name = "/run/pg.pid"              | pid_file_name "/run/pg.pid" needs renew_signal
      cmd_args = "a 'b"                          | cmd_args "a 'b" has an unterminated single quote
      cmd_args = "x"                             | cmd_args [x] without cmd
      daemon_mode = "yes"                        | daemon_mode: expected true or false, got "yes"
      svid_fil_name = "x"                        | unknown configuration key "svid_fil_name"
      health_checks { bind_port = 70000 }        | health_checks.bind_port: 70000 is not a port (0-65535)
      health_checks { liveness_path = "live" }   | health_checks.liveness_path: "live" must start with "/"
      health_checks { listen = true }            | unknown configuration key "health_checks.listen"
      agent_address = "tcp://127.0.0.1:1"        | agent_address: SPIFFE_ENDPOINT_SOCKET "tcp://127.0.0.1:1" is not a unix socket address
      """)
  void badValuesAreRefusedNamingTheKeyAndTheValue(String line, String message) {
    assertThatThrownBy(() -> parse(X509 + line)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      svid_file_name = "a"                             | all or none of svid_file_name, svid_key_file_name and svid_bundle_file_name must be set (got 1 of 3)
      hint = "x"                                       | nothing to write
      jwt_svids = [{jwt_svid_file_name = "t"}]         | jwt_svids[0].jwt_audience: is required
      jwt_svids = [{jwt_audience = "a"}]               | jwt_svids[0].jwt_svid_file_name: is required
      jwt_svids = [{jwt_audience = "a", file = "t"}]   | jwt_svids[0].jwt_svid_file_name: is required
      jwt_bundle_file_name = "dir/"                    | jwt_bundle_file_name: "dir/" is not a file name
      """)
  void incompleteConfigurationsAreRefused(String line, String message) {
    assertThatThrownBy(() -> parse(line)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void identicalHealthPathsAreRefusedWhenTheListenerIsOn() {
    assertThatThrownBy(() -> parse(X509 + "health_checks {\n listener_enabled = true\n liveness_path = \"/h\"\n"
        + " readiness_path = \"/h\"\n}")).isInstanceOf(ConfigException.class)
        .hasMessage("health_checks: liveness_path and readiness_path are both \"/h\"");
  }
}
