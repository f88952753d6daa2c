package dev.signet.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OidcConfigLoaderTest {
  private static final String SERVER_API = "server_api { address = \"unix:///tmp/spire-server/private/api.sock\" }\n";
  private static final String CERT = "serving_cert_file {\n cert_file_path = \"/c.pem\"\n key_file_path = \"/k.pem\"\n}\n";

  private static OidcConfig parse(String hcl) {
    return OidcConfigLoader.parse(HclDocument.parse(hcl));
  }

  @Test
  void spiresServerApiAndServingCertificateExampleLoadsWithItsDefaults() {
    OidcConfig config = parse("log_level = \"debug\"\ndomains = [\"mypublicdomain.test\"]\n" + CERT + SERVER_API);
    assertThat(config.domains()).containsExactly("mypublicdomain.test");
    assertThat(config.keySource()).isEqualTo(new OidcConfig.ServerApi(Path.of("/tmp/spire-server/private/api.sock"),
        Duration.ofSeconds(10)));
    assertThat(config.servingCert()).isEqualTo(new OidcConfig.ServingCert(Path.of("/c.pem"), Path.of("/k.pem"),
        Duration.ofMinutes(1), new OidcConfig.ListenAddress("0.0.0.0", 443)));
    assertThat(config.logLevel()).isEqualTo("DEBUG");
    assertThat(config.jwtIssuer()).isNull();
    assertThat(config.setKeyUse()).isFalse();
    assertThat(config.serverPathPrefix()).isEqualTo("/");
    assertThat(config.health()).isNull();
  }

  @Test
  void workloadApiInsecureAddressAndHealthChecks() {
    OidcConfig config = parse("""
        domains = ["a.test", "b.test"]
        jwt_issuer = "https://a.test/tenant"
        set_key_use = true
        allow_insecure_scheme = true
        insecure_addr = "127.0.0.1:8080"
        log_requests = true
        server_path_prefix = "/oidc/"
        workload_api {
          socket_path = "/tmp/agent.sock"
          trust_domain = "example.org"
          poll_interval = "30s"
        }
        health_checks {
          bind_port = "9009"
        }
        """);
    assertThat(config.keySource()).isEqualTo(new OidcConfig.WorkloadApi(Path.of("/tmp/agent.sock"),
        new TrustDomain("example.org"), Duration.ofSeconds(30)));
    assertThat(config.insecureAddr()).isEqualTo(new OidcConfig.ListenAddress("127.0.0.1", 8080));
    assertThat(config.health()).isEqualTo(new OidcConfig.HealthSettings(9009, "/ready", "/live"));
    assertThat(config.jwtIssuer()).isEqualTo("https://a.test/tenant");
    assertThat(config.serverPathPrefix()).isEqualTo("/oidc");
    assertThat(config.setKeyUse()).isTrue();
    assertThat(config.logRequests()).isTrue();
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "" + CERT_MARK + "                                          | domains must list at least one domain",
      "domains = [\"a\"]\\n" + SERVER_MARK + "                    | one of serving_cert_file or insecure_addr must be set",
      "domains = [\"a\"]\\nacme { email = \"x\" }\\n" + SERVER_MARK + " | acme is not supported",
      "domains = [\"a\"]\\nlisten_socket_path = \"/run/o.sock\"\\n" + SERVER_MARK + " | listen_socket_path \"/run/o.sock\" is not supported",
      "domains = [\"a\"]\\n" + CERT_MARK + "                       | one of server_api or workload_api must be set",
      "domains = [\"a\"]\\n" + CERT_MARK + SERVER_MARK + "workload_api { socket_path = \"/s\"\\ntrust_domain = \"td\" }\\n | server_api and workload_api are mutually exclusive",
      "domains = [\"a\"]\\n" + CERT_MARK + "server_api { address = \"dns:///x:1\" }\\n | server_api.address \"dns:///x:1\" must be a unix:///path target",
      "domains = [\"a\"]\\n" + CERT_MARK + "server_api { address = \"unix:rel.sock\" }\\n | server_api.address \"unix:rel.sock\" must name an absolute socket path",
      "domains = [\"a\"]\\n" + CERT_MARK + "server_api { address = \"unix:///s\"\\npoll_interval = \"0s\" }\\n | server_api.poll_interval must be positive",
      "domains = [\"a\"]\\ninsecure_addr = \"8080\"\\n" + SERVER_MARK + " | insecure_addr \"8080\" is not host:port",
      "domains = [\"a\"]\\ninsecure_addr = \":http\"\\n" + SERVER_MARK + " | insecure_addr \":http\" has no numeric port",
      "domains = [\"a\"]\\ninsecure_addr = \":1\"\\n" + CERT_MARK + SERVER_MARK + " | insecure_addr and serving_cert_file are mutually exclusive",
      "domains = [\"a\"]\\nallow_insecure_scheme = true\\n" + CERT_MARK + SERVER_MARK + " | allow_insecure_scheme only works with insecure_addr",
      "domains = [\"a\"]\\njwt_issuer = \"a.test\"\\n" + CERT_MARK + SERVER_MARK + " | jwt_issuer \"a.test\" must be an http(s) url",
      "domains = [\"a\"]\\nlog_level = \"loud\"\\n" + CERT_MARK + SERVER_MARK + " | log_level \"loud\" is not one of error, warn, info, debug",
      "domains = [\"a\"]\\nserver_path_prefix = \"oidc\"\\n" + CERT_MARK + SERVER_MARK + " | server_path_prefix \"oidc\" must be an absolute path",
      "domains = [\"a\"]\\nhealth_checks { bind_port = \"x\" }\\n" + CERT_MARK + SERVER_MARK + " | health_checks.bind_port \"x\" is not a port number",
      "domains = [\"a\"]\\nserving_cert_file { cert_file_path = \"/c\" }\\n" + SERVER_MARK + " | serving_cert_file.key_file_path: is required",
      "domains = [\"a\"]\\nworkload_api { socket_path = \"/s\" }\\n" + CERT_MARK + " | workload_api.trust_domain: is required",
      "domains = [\"a\"]\\ncolour = \"blue\"\\n" + CERT_MARK + SERVER_MARK + " | colour",
  })
  void errorsQuoteTheOffendingValue(String hcl, String message) {
    String expanded = hcl.replace("\\n", "\n").replace(CERT_MARK, CERT).replace(SERVER_MARK, SERVER_API);
    assertThatThrownBy(() -> parse(expanded)).isInstanceOf(ConfigException.class).hasMessageContaining(message.strip());
  }

  private static final String CERT_MARK = "@CERT@";
  private static final String SERVER_MARK = "@SERVER@";
}
