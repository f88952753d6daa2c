package dev.signet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketPathsTest {
  @Test
  void flagThenEnvironmentThenDefault() {
    assertThat(SocketPaths.resolve("/run/a.sock", Map.of("SPIFFE_ENDPOINT_SOCKET", "unix:///run/b.sock")))
        .isEqualTo(Path.of("/run/a.sock"));
    assertThat(SocketPaths.resolve(null, Map.of("SPIFFE_ENDPOINT_SOCKET", "unix:///run/b.sock")))
        .isEqualTo(Path.of("/run/b.sock"));
    assertThat(SocketPaths.resolve(null, Map.of("SPIFFE_ENDPOINT_SOCKET", "unix:/run/c.sock")))
        .isEqualTo(Path.of("/run/c.sock"));
    assertThat(SocketPaths.resolve(null, Map.of())).isEqualTo(Path.of("/tmp/spire-agent/public/api.sock"));
  }

  @Test
  void nonUnixEndpointsAreRefused() {
    assertThatThrownBy(() -> SocketPaths.resolve(null, Map.of("SPIFFE_ENDPOINT_SOCKET", "tcp://127.0.0.1:8080")))
        .hasMessageContaining("is not a unix socket address");
    assertThatThrownBy(() -> SocketPaths.resolve(null, Map.of("SPIFFE_ENDPOINT_SOCKET", "unix://host/x")))
        .hasMessageContaining("must not have an authority");
  }
}
