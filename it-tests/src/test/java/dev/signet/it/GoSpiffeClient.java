package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Our go-spiffe v2.9.0 client ({@code tools/peers/spiffe-clients}, {@link SpirePeers}) as the tests drive it: one
 * command, one JSON object of facts on stdout; and a spiffetls mutual-TLS exchange between two workloads.
 */
final class GoSpiffeClient {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private GoSpiffeClient() {}

  /** Runs {@code go-spiffe-client <args>}; fails unless it exits 0; returns its JSON. */
  static JsonNode run(String... args) {
    List<String> command = new ArrayList<>(List.of(SpirePeers.bin("go-spiffe-client")));
    command.addAll(List.of(args));
    return AdminServer.json(Distribution.run(TIMEOUT, command).requireOk());
  }

  /**
   * spiffetls: a server workload ({@code mtls-serve}, SVID and bundles from {@code serverAddress}) authorizing
   * {@code clientId}, and a client workload ({@code mtls-dial}, from {@code clientAddress}) authorizing {@code
   * serverId}; each must see the other's SPIFFE ID on the authenticated connection.
   */
  static void mutualTls(Workspace workspace, String serverAddress, String serverId, String clientAddress,
      String clientId) {
    RunningProcess server = workspace.start("mtls-serve-" + System.nanoTime(), List.of(
        SpirePeers.bin("go-spiffe-client"), "mtls-serve", "-socket", serverAddress, "-address", "127.0.0.1:0",
        "-authorize", clientId, "-timeout", "60s"));
    String listening = Poll.value("the spiffetls server listening", TIMEOUT, () -> server.tail(50).lines()
        .filter(line -> line.startsWith("{\"listening\""))
        .findFirst()
        .map(line -> AdminServer.json(new CommandResult("mtls-serve", 0, line, "")).path("listening").asText()));
    JsonNode client = run("mtls-dial", "-socket", clientAddress, "-address", listening, "-authorize", serverId);
    assertThat(client.path("peer_spiffe_id").asText()).as("the server's authenticated SPIFFE ID").isEqualTo(serverId);
    assertThat(client.path("received").asText()).isEqualTo("hello " + clientId);
    assertThat(server.awaitExit(TIMEOUT)).as("the server saw its client and exited: %s", server.tail(20)).isEqualTo(0);
    assertThat(server.tail(20)).as("the client's authenticated SPIFFE ID on the server")
        .contains("\"peer_spiffe_id\": \"" + clientId + "\"");
  }
}
