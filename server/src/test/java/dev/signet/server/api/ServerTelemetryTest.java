package dev.signet.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.crypto.Csrs;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.telemetry.PrometheusListener;
import dev.signet.common.telemetry.TelemetryConfig;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code telemetry { Prometheus {} }} on the server: RPCs by method and status, attestations by attestor and
 * result, SVIDs signed and the CA's authorities appear under SPIRE's names on {@code /metrics}.
 */
class ServerTelemetryTest {
  private ServerFixture fixture;

  @BeforeEach
  void start() throws Exception {
    fixture = new ServerFixture(new TelemetryConfig(Optional.of(new PrometheusListener("127.0.0.1", 0)),
        Optional.empty(), List.of()));
  }

  @AfterEach
  void stop() {
    fixture.close();
  }

  private String scrape() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + fixture.server.metricsPort() + "/metrics");
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  @Test
  void callsAttestationsAndSignaturesAreCountedUnderSpiresNames() throws Exception {
    fixture.attestNewAgent();
    assertThatThrownBy(() -> fixture.attest(ServerFixture.joinTokenParams("no-such-token",
        Csrs.forKey(KeyType.EC_P256.generate())))).isInstanceOf(StatusRuntimeException.class);
    fixture.adminEntries().listEntries(ListEntriesRequest.getDefaultInstance());

    String metrics = scrape();

    assertThat(metrics)
        .contains("spire_server_rpc_agent_v1_agent_create_join_token_total{status=\"OK\"} 1.0")
        .contains("spire_server_rpc_agent_v1_agent_attest_agent_total{status=\"OK\"} 1.0")
        .contains("spire_server_rpc_agent_v1_agent_attest_agent_total{status=\"PermissionDenied\"} 1.0")
        .contains("spire_server_rpc_agent_v1_agent_attest_agent_elapsed_time_seconds_count{status=\"OK\"} 1")
        .contains("spire_server_rpc_entry_v1_entry_list_entries_total{status=\"OK\"} 1.0")
        .contains("spire_server_node_attestations_total{attestor=\"join_token\",status=\"OK\"} 1.0")
        .contains("spire_server_node_attestations_total{attestor=\"join_token\",status=\"PermissionDenied\"} 1.0")
        .contains("spire_server_ca_manager_x509_ca_prepare_total 1.0")
        .contains("spire_server_ca_manager_x509_ca_activate_total 1.0")
        .contains("spire_server_manager_jwt_key_activate_total 1.0")
        .contains("spire_server_ca_authorities{kind=\"x509\",status=\"active\"} 1.0")
        .contains("spire_server_manager_x509_ca_rotate_expiration{trust_domain_id=\"example.org\"}")
        .contains("spire_server_started{trust_domain_id=\"example.org\"")
        .contains("spire_server_uptime_in_ms")
        .contains("spire_server_datastore_join_token_create_total{status=\"OK\"} 1.0")
        .contains("spire_server_datastore_node_create_total{status=\"OK\"} 1.0")
        .contains("spire_server_datastore_event_list_elapsed_time_seconds_count{status=\"OK\"}");
    // the server's own SVID and the agent's: at least two X.509 signatures
    assertThat(counter(metrics, "spire_server_server_ca_sign_x509_svid_total")).isGreaterThanOrEqualTo(2);
  }

  @Test
  void anAttestorTheServerDoesNotHaveIsNotALabel() throws Exception {
    var request = ServerFixture.joinTokenParams("t", Csrs.forKey(KeyType.EC_P256.generate())).toBuilder();
    request.getParamsBuilder().getDataBuilder().setType("attacker-chosen-" + System.nanoTime());
    assertThatThrownBy(() -> fixture.attest(request.build())).isInstanceOf(StatusRuntimeException.class);

    assertThat(scrape()).contains("spire_server_node_attestations_total{attestor=\"\",status=\"FailedPrecondition\"} 1.0")
        .doesNotContain("attacker-chosen");
  }

  static double counter(String exposition, String series) {
    return exposition.lines().filter(line -> line.startsWith(series + " ") || line.startsWith(series + "{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }
}
