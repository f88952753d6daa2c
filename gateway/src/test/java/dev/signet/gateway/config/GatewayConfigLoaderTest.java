package dev.signet.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.config.ConfigException;
import dev.signet.common.config.HclDocument;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigLoaderTest {
  private static final String FULL = """
      gateway {
        socket_path = "/run/spire/agent.sock"
        spiffe_id = "spiffe://example.org/gateway"
        data_dir = "/var/lib/signet-gateway"
        metrics_listen = "127.0.0.1:9464"
        federated_trust_domains = ["partner.org"]
        handshake_timeout = "5s"
      }
      policy {
        dir = "/etc/signet/policies"
        cache_ttl = "2s"
      }
      inbound "api" {
        mode = "http"
        listen = "0.0.0.0:8443"
        upstream = "127.0.0.1:8080"
        identity_header = "X-Client-Id"
        max_body_bytes = 1048576
      }
      inbound "db" {
        listen = "0.0.0.0:5443"
        upstream = "127.0.0.1:5432"
      }
      outbound "billing" {
        listen = "127.0.0.1:9000"
        remote = "billing.internal:8443"
        expect_spiffe_id = "spiffe://example.org/billing"
      }
      """;

  @Test
  void aFullConfigIsRead() {
    GatewayConfig config = GatewayConfigLoader.parse(HclDocument.parse(FULL));
    assertThat(config.socketPath()).isEqualTo(Path.of("/run/spire/agent.sock"));
    assertThat(config.spiffeId()).contains(SpiffeId.parse("spiffe://example.org/gateway"));
    assertThat(config.federatedTrustDomains()).isEqualTo(Set.of(TrustDomain.parse("partner.org")));
    assertThat(config.decisionCacheTtl()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.inbound()).hasSize(2);
    InboundConfig api = config.inbound().getFirst();
    assertThat(api.mode()).isEqualTo(InboundConfig.Mode.http);
    assertThat(api.identityHeader()).isEqualTo("X-Client-Id");
    assertThat(api.maxBodyBytes()).isEqualTo(1 << 20);
    InboundConfig db = config.inbound().get(1);
    assertThat(db.mode()).isEqualTo(InboundConfig.Mode.tcp);
    assertThat(db.resource()).isEqualTo("db");
    assertThat(config.outbound().getFirst().expectSpiffeId()).isEqualTo(SpiffeId.parse("spiffe://example.org/billing"));
    assertThat(config.outbound().getFirst().remote().getHostString()).isEqualTo("billing.internal");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "handshake_timeout = \"5s\"|handshake_timout = \"5s\"|unknown configuration key \"gateway.handshake_timout\"",
      "upstream = \"127.0.0.1:8080\"|upstream = \"127.0.0.1\"|inbound \"api\".upstream \"127.0.0.1\" is not host:port",
      "mode = \"http\"|mode = \"udp\"|inbound \"api\".mode \"udp\" is not tcp or http",
      "expect_spiffe_id = \"spiffe://example.org/billing\"|expect_spiffe_id = \"spiffe://example.org\"|is a trust domain id",
      "identity_header = \"X-Client-Id\"|identity_header = \"X Client\"|is not an http header name",
      "upstream = \"127.0.0.1:5432\"|upstream = \"127.0.0.1:5432\"\\n  max_body_bytes = 5|applies to mode = \"http\" only",
      "cache_ttl = \"2s\"|cache_ttl = \"2h\"|policy.cache_ttl",
      "dir = \"/etc/signet/policies\"|remote { address = \"s:8443\" }\\n dir = \"/p\"|exactly one of dir",
      "dir = \"/etc/signet/policies\"|reload_interval = \"1s\"|exactly one of dir",
      "dir = \"/etc/signet/policies\"|remote { address = \"s\" }|policy.remote.address \"s\" is not host:port",
      "dir = \"/etc/signet/policies\"|remote { address = \"s:1\"\\n timeout = \"0s\" }|policy.remote.timeout",
      "dir = \"/etc/signet/policies\"|remote { address = \"s:1\"\\n tiemout = \"1s\" }|\"policy.remote.tiemout\"",
      "dir = \"/etc/signet/policies\"|remote { address = \"s:1\" }\\n reload_interval = \"1s\"|applies to policy.dir",
  })
  void badConfigsAreRefusedWithAMessageQuotingTheValue(String from, String to, String message) {
    assertThatThrownBy(() -> GatewayConfigLoader.parse(HclDocument.parse(FULL.replace(from, to.replace("\\n", "\n")))))
        .isInstanceOf(ConfigException.class).hasMessageContaining(message);
  }

  @Test
  void decisionsMayBeAskedOfTheServersAccessApi() {
    GatewayConfig config = GatewayConfigLoader.parse(HclDocument.parse(FULL.replace("dir = \"/etc/signet/policies\"",
        "remote {\n address = \"signet-server:8443\"\n server_spiffe_id = \"spiffe://example.org/spire/server\"\n"
            + " timeout = \"500ms\"\n }")));
    assertThat(config.policyDir()).isEmpty();
    RemotePolicyConfig remote = config.remotePolicy().orElseThrow();
    assertThat(remote.address().getHostString()).isEqualTo("signet-server");
    assertThat(remote.address().getPort()).isEqualTo(8443);
    assertThat(remote.serverId()).contains(SpiffeId.parse("spiffe://example.org/spire/server"));
    assertThat(remote.timeout()).isEqualTo(Duration.ofMillis(500));
    GatewayConfig defaults = GatewayConfigLoader.parse(HclDocument.parse(FULL.replace("dir = \"/etc/signet/policies\"",
        "remote { address = \"127.0.0.1:8443\" }")));
    assertThat(defaults.remotePolicy().orElseThrow().serverId()).isEmpty();
    assertThat(defaults.remotePolicy().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aConfigWithoutRoutesIsRefused() {
    assertThatThrownBy(() -> GatewayConfigLoader.parse(HclDocument.parse(
        "gateway {\n data_dir = \"/tmp/x\"\n}\npolicy {\n dir = \"/tmp/p\"\n}\n")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no inbound or outbound block");
  }
}
