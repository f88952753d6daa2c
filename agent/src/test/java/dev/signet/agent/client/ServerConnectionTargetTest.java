package dev.signet.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code server_address} and {@code server_port} as the gRPC target the DNS resolver takes. */
class ServerConnectionTargetTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "signet-servers.example.org | 8081 | dns:///signet-servers.example.org:8081",
      "10.0.0.1                   | 8081 | dns:///10.0.0.1:8081",
      "::1                        | 8081 | dns:///[::1]:8081",
      "[::1]                      | 8081 | dns:///[::1]:8081",
  })
  void serverAddressAndPortMakeADnsTarget(String host, int port, String target) {
    assertThat(ServerConnection.target(host, port)).isEqualTo(target);
  }
}
