package dev.signet.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.FederationRelationship;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerConfigLoaderTest {
  /** The smallest valid server.conf (other config tests start from it). */
  static final String MINIMAL = """
      server {
        trust_domain = "example.org"
        data_dir = "/var/lib/signet"
      }
      plugins {
        DataStore "sql" { plugin_data { database_type = "h2" } }
        KeyManager "memory" { plugin_data {} }
        NodeAttestor "join_token" { plugin_data {} }
      }
      """;

  private static ServerConfigLoader.Loaded parse(String text) {
    return ServerConfigLoader.parse(HclDocument.parse(text, "server.conf"), ServerFlags.NONE);
  }

  @Test
  void aTypicalSpireConfigLoadsUnchanged() throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/config/server.conf")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ServerConfigLoader.Loaded loaded = parse(text);
    ServerConfig config = loaded.config();
    assertThat(config.trustDomain().name()).isEqualTo("example.org");
    assertThat(config.bindPort()).isEqualTo(8081);
    assertThat(config.caTtl()).isEqualTo(Duration.ofHours(168));
    assertThat(config.agentTtl()).isEqualTo(Duration.ofHours(72));
    assertThat(config.adminIds()).containsExactly(SpiffeId.parse("spiffe://example.org/admin/alice"),
        SpiffeId.parse("spiffe://example.org/admin/bob"));
    assertThat(config.signingRateLimit()).isFalse();
    assertThat(config.dataStore().databaseType().configName()).isEqualTo("sqlite3");
    assertThat(config.dataStore().maxOpenConns()).isEqualTo(100);
    assertThat(config.keysPath()).contains(Path.of("/opt/spire/data/server/keys.json"));
    assertThat(config.nodeAttestors()).extracting(ConfiguredPlugin::name).containsExactlyInAnyOrder("join_token", "x509pop");
    assertThat(config.healthChecks().bindPort()).isEqualTo(8080);
    assertThat(loaded.warnings()).anyMatch(w -> w.contains("Notifier \"k8sbundle\""))
        .anyMatch(w -> w.contains("NodeAttestor \"k8s_psat\" is disabled"))
        .noneMatch(w -> w.contains("federation"));
    assertThat(config.federation().bundleEndpoint()).isEqualTo(new ServerConfig.BundleEndpointSettings("0.0.0.0", 8443,
        Duration.ofMinutes(5), "https_spiffe", null, null, null));
    assertThat(config.federation().federatesWith()).containsExactly(
        new FederationRelationship("domain1.test", URI.create("https://domain1.test:8443"), "https_spiffe",
            SpiffeId.parse("spiffe://domain1.test/spire/server")),
        new FederationRelationship("domain2.test", URI.create("https://domain2.test/bundle.json"), "https_web", null));
  }

  @Test
  void theDataDirPermissionsOptOutIsAKnownServerKeyOffByDefault() {
    assertThat(parse(MINIMAL).config().allowInsecureDataDirPermissions()).isFalse();

    ServerConfigLoader.Loaded loaded = parse(MINIMAL.replace("data_dir = \"/var/lib/signet\"",
        "data_dir = \"/var/lib/signet\"\n  allow_insecure_data_dir_permissions = true"));

    assertThat(loaded.config().allowInsecureDataDirPermissions()).isTrue();
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void theCryptoProviderIsAutoByDefaultAndChecked() {
    assertThat(parse(MINIMAL).config().cryptoProvider()).isEqualTo(dev.signet.common.crypto.CryptoProviderMode.AUTO);
    for (String name : new String[] {"auto", "accp", "bouncycastle"}) {
      assertThat(parse(withFederation("  crypto_provider = \"" + name + "\"")).config().cryptoProvider().configName())
          .isEqualTo(name);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(withFederation("  crypto_provider = \"sunec\"")))
        .isInstanceOf(dev.signet.common.config.ConfigException.class)
        .hasMessage("server.crypto_provider \"sunec\" is not one of auto, accp, bouncycastle");
  }

  @Test
  void logFormatAndLogFileTakeEffectWithoutAWarning() {
    assertThat(parse(MINIMAL).config().logOutput()).isEqualTo(dev.signet.common.logging.LogOutput.DEFAULT);

    ServerConfigLoader.Loaded loaded = parse(withFederation("  log_format = \"json\"\n  log_file = \"/var/log/signet/server.log\""));

    assertThat(loaded.config().logOutput()).isEqualTo(new dev.signet.common.logging.LogOutput(
        dev.signet.common.logging.LogOutput.Format.JSON, java.nio.file.Path.of("/var/log/signet/server.log")));
    assertThat(loaded.warnings()).isEmpty();
    assertThatThrownBy(() -> parse(withFederation("  log_format = \"xml\"")))
        .hasMessage("server.log_format \"xml\" is not one of text, json");
  }

  private static String withFederation(String federation) {
    return MINIMAL.replace("data_dir = \"/var/lib/signet\"", "data_dir = \"/var/lib/signet\"\n" + federation);
  }

  @Test
  void theBundleEndpointServesHttpsWebFromCertificateFiles() {
    ServerConfig config = parse(withFederation("""
        federation {
          bundle_endpoint {
            port = 9443
            refresh_hint = "1m"
            profile "https_web" {
              serving_cert_file = {
                cert_file_path = "/etc/signet/endpoint.crt"
                key_file_path = "/etc/signet/endpoint.key"
                file_sync_interval = "10m"
              }
            }
          }
        }
        """)).config();
    assertThat(config.federation().bundleEndpoint()).isEqualTo(new ServerConfig.BundleEndpointSettings("0.0.0.0", 9443,
        Duration.ofMinutes(1), "https_web", Path.of("/etc/signet/endpoint.crt"), Path.of("/etc/signet/endpoint.key"),
        Duration.ofMinutes(10)));
    assertThat(parse(MINIMAL).config().federation()).isEqualTo(ServerConfig.FederationSettings.NONE);
  }

  @Test
  void theBundleEndpointServesHttpsWebFromAnAcmeCaWhereSpireReadsAcme() {
    ServerConfig.BundleEndpointSettings profiled = parse(withFederation("""
        federation {
          bundle_endpoint {
            port = 8443
            profile "https_web" {
              acme {
                domain_name = "bundle.example.org"
                email = "ops@example.org"
                directory_url = "https://ca.example.net/dir"
                tos_accepted = true
              }
            }
          }
        }
        """)).config().federation().bundleEndpoint();
    assertThat(profiled).isEqualTo(new ServerConfig.BundleEndpointSettings("0.0.0.0", 8443, Duration.ofMinutes(5),
        "https_web", null, null, null, new ServerConfig.AcmeSettings(URI.create("https://ca.example.net/dir"),
            "bundle.example.org", "ops@example.org", true)));
    // SPIRE's deprecated form: acme directly in bundle_endpoint, Let's Encrypt and no ToS agreement by default
    ServerConfig.BundleEndpointSettings direct = parse(withFederation("""
        federation {
          bundle_endpoint {
            acme {
              domain_name = "bundle.example.org"
              email = "ops@example.org"
            }
          }
        }
        """)).config().federation().bundleEndpoint();
    assertThat(direct.profile()).isEqualTo("https_web");
    assertThat(direct.acme()).isEqualTo(new ServerConfig.AcmeSettings(ServerConfig.AcmeSettings.LETS_ENCRYPT,
        "bundle.example.org", "ops@example.org", false));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "acme without email|bundle_endpoint { profile \"https_web\" { acme { domain_name = \"x.org\" } } }|acme.email must be configured",
      "acme without domain|bundle_endpoint { acme { email = \"a@x.org\" } }|acme.domain_name must be configured",
      "acme domain a path|bundle_endpoint { acme { domain_name = \"../x\" \\n email = \"a@x.org\" } }|domain_name \"../x\" is not a dns name",
      "acme plain http|bundle_endpoint { acme { domain_name = \"x.org\" \\n email = \"a@x.org\" \\n directory_url = \"http://ca.org/dir\" } }|directory_url \"http://ca.org/dir\" must be an https url",
      "acme unknown key|bundle_endpoint { acme { domain_name = \"x.org\" \\n email = \"a@x.org\" \\n tos = true } }|acme.tos",
      "acme and profile|bundle_endpoint { acme { domain_name = \"x.org\" \\n email = \"a@x.org\" } \\n profile \"https_spiffe\" {} }|either acme or profile",
      "acme and files|bundle_endpoint { profile \"https_web\" { acme { domain_name = \"x.org\" \\n email = \"a@x.org\" } \\n serving_cert_file { cert_file_path = \"c\" \\n key_file_path = \"k\" } } }|either acme or serving_cert_file",
      "two profiles|bundle_endpoint { profile \"https_web\" {} \\n profile \"https_spiffe\" {} }|only one profile",
      "unknown profile|bundle_endpoint { profile \"https_gopher\" {} }|unknown profile",
      "web without files|bundle_endpoint { profile \"https_web\" {} }|acme or serving_cert_file is required",
      "no endpoint profile|federates_with \"a.org\" { bundle_endpoint_url = \"https://a.org\" }|exactly one bundle_endpoint_profile",
      "spiffe without id|federates_with \"a.org\" { bundle_endpoint_url = \"https://a.org\" \\n bundle_endpoint_profile \"https_spiffe\" {} }|endpoint_spiffe_id",
      "plain http|federates_with \"a.org\" { bundle_endpoint_url = \"http://a.org\" \\n bundle_endpoint_profile \"https_web\" {} }|must use https",
      "bad trust domain|federates_with \"A.org\" { bundle_endpoint_url = \"https://a.org\" \\n bundle_endpoint_profile \"https_web\" {} }|federates_with \"A.org\""})
  void badFederationBlocksAreRefused(String name, String block, String message) {
    assertThatThrownBy(() -> parse(withFederation("federation {\n" + block.replace("\\n", "\n") + "\n}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void defaultsAreSpires() {
    ServerConfig config = parse(MINIMAL).config();
    assertThat(config.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(config.bindPort()).isEqualTo(8081);
    assertThat(config.socketPath()).isEqualTo(Path.of("/tmp/spire-server/private/api.sock"));
    assertThat(config.caTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(config.defaultX509SvidTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.defaultJwtSvidTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.caKeyType()).isEqualTo(KeyType.fromConfigName("ec-p256"));
    assertThat(config.caSubject()).isEqualTo(CaSubject.DEFAULT);
    assertThat(config.serverId()).isEqualTo(SpiffeId.parse("spiffe://example.org/spire/server"));
    assertThat(config.healthChecks()).isNull();
    assertThat(config.upstreamAuthority()).isNull();
  }

  @Test
  void theAccessApiIsOffUnlessConfiguredAndItsKeysAreChecked() {
    assertThat(parse(MINIMAL).config().accessApi()).isNull();
    ServerConfig config = parse(MINIMAL + "\naccess_api {\n bind_port = 9443\n audience = [\"ops\"]\n}\n").config();
    assertThat(config.accessApi()).isEqualTo(new ServerConfig.AccessApiSettings("127.0.0.1", 9443, List.of("ops"), null, List.of(), false,
        List.of(), List.of(dev.signet.common.spiffe.TrustDomain.parse("example.org"))));
    assertThat(parse(MINIMAL + "\naccess_api {}\n").config().accessApi().audiences()).containsExactly("signet-access");
    assertThatThrownBy(() -> parse(MINIMAL + "\naccess_api {\n bind_port = 70000\n}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("70000");
    assertThatThrownBy(() -> parse(MINIMAL + "\naccess_api {\n typo = 1\n}\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("typo");
  }

  @Test
  void flagsOverrideTheFile() {
    ServerFlags flags = new ServerFlags("127.0.0.1", 9999, Path.of("/tmp/x.sock"), "other.test", Path.of("/d"),
        "debug", false);
    ServerConfig config = ServerConfigLoader.parse(HclDocument.parse(MINIMAL, "server.conf"), flags).config();
    assertThat(config.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(config.bindPort()).isEqualTo(9999);
    assertThat(config.trustDomain().name()).isEqualTo("other.test");
    assertThat(config.dataDir()).isEqualTo(Path.of("/d"));
    assertThat(config.logLevel()).isEqualTo("DEBUG");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "unknown server key      | server { trust_domain = \"example.org\"\\n data_dir = \"/d\"\\n bogus = 1 } | \"server.bogus\"",
      "unknown top-level block | server { trust_domain = \"example.org\"\\n data_dir = \"/d\" }\\n bogus { } | \"bogus\"",
      "missing trust domain    | server { data_dir = \"/d\" }                                           | trust_domain",
      "upper-case trust domain | server { trust_domain = \"Example.org\"\\n data_dir = \"/d\" }          | Example.org",
      "bad ttl                 | server { trust_domain = \"example.org\"\\n data_dir = \"/d\"\\n ca_ttl = \"0s\" } | ca_ttl",
      "bad log level           | server { trust_domain = \"example.org\"\\n data_dir = \"/d\"\\n log_level = \"LOUD\" } | LOUD",
      "a windows named pipe    | server { trust_domain = \"example.org\"\\n data_dir = \"/d\"\\n experimental { named_pipe_name = \"\\\\spire\" } } | server.experimental.named_pipe_name \"\\spire\" is not supported in this platform; please use socket_path instead",
  })
  void badServerSectionsAreRefused(String name, String server, String message) {
    String text = server.replace("\\n", "\n") + "\n" + MINIMAL.substring(MINIMAL.indexOf("plugins"));
    assertThatThrownBy(() -> parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
  }

  @Test
  void pluginCardinalityAndNamesAreChecked() {
    String twoStores = MINIMAL.replace("KeyManager", "DataStore \"sql\" { plugin_data {} }\n KeyManager");
    assertThatThrownBy(() -> parse(twoStores)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("DataStore \"sql\": block appears 2 times");
    assertThatThrownBy(() -> parse(MINIMAL.replace("KeyManager \"memory\"", "KeyManager \"aws_kms\"")))
        .hasMessageContaining("unknown KeyManager \"aws_kms\"");
    assertThatThrownBy(() -> parse(MINIMAL.replace("KeyManager \"memory\" { plugin_data {} }", "")))
        .hasMessageContaining("a KeyManager plugin is required");
    assertThatThrownBy(() -> parse(MINIMAL.replace("database_type = \"h2\"", "database_type = \"h2\"\n typo = 1")))
        .hasMessageContaining("typo");
    assertThatThrownBy(() -> parse(MINIMAL.replace("NodeAttestor \"join_token\" { plugin_data {} }",
        "NodeAttestor \"x\" { plugin_cmd = \"/bin/x\"\n plugin_data {} }")))
        .hasMessageContaining("external plugins");
  }
}
