package dev.signet.agent.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.agent.sync.FakeSpireServer;
import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.tls.SpiffeServerTrustManager;
import dev.signet.proto.spire.api.server.bundle.v1.BundleGrpc;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * SPIRE's answer to several servers is one {@code server_address} whose DNS name has several A records; its
 * agent connects to every address and spreads calls round-robin over those that answer. Signet's must too. Two fake
 * servers of one trust domain listen on 127.0.0.1 and 127.0.0.2 with one port, and {@link TestNames} makes one
 * name resolve to both, in that order.
 */
class ServerConnectionFailoverTest {
  private static final String NAME = "servers.ha.test";

  @Test
  void aNameWithTwoAddressesSpreadsCallsOverBothServersAndSkipsOneThatDies() throws Exception {
    FakeSpireServer first = new FakeSpireServer("example.org", Clock.systemUTC(), true,
        new InetSocketAddress("127.0.0.1", 0));
    try (FakeSpireServer second = new FakeSpireServer("example.org", Clock.systemUTC(), true,
        new InetSocketAddress("127.0.0.2", first.port()))) {
      TestNames.define(NAME, InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
      Bundle both = Bundle.ofX509(first.trustDomain, Stream.of(first, second).map(f -> f.ca.certificate()).toList());
      SpiffeServerTrustManager trust = new SpiffeServerTrustManager(SpiffeId.parse("spiffe://example.org/spire/server"),
          () -> Optional.of(both), false, Clock.systemUTC());
      try (ServerConnection connection = ServerConnection.open(NAME, first.port(), trust, null)) {
        // round_robin, as spire-agent: once both connections are up, calls alternate between the servers
        for (int call = 0; call < 200 && (first.calls.isEmpty() || second.calls.isEmpty()); call++) {
          getBundle(connection);
        }
        assertThat(first.calls).as("calls reaching server A").isNotEmpty();
        assertThat(second.calls).as("calls reaching server B").isNotEmpty();

        first.close();
        // a call that meets the dying server may fail (the agent retries it); then every call reaches the other
        int refused = 0;
        for (int call = 0; call < 3; call++) {
          try {
            getBundle(connection);
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
            refused++;
          }
        }
        assertThat(refused).as("calls refused while the channel noticed server A's end").isLessThan(3);
        int before = second.calls.size();
        for (int call = 0; call < 5; call++) {
          getBundle(connection);
        }
        assertThat(second.calls).hasSize(before + 5);
      }
    } finally {
      first.close();
    }
  }

  @Test
  void aNameWhoseFirstAddressIsDownAtConnectTimeReachesTheSecond() throws Exception {
    FakeSpireServer dead = new FakeSpireServer("example.org", Clock.systemUTC(), true,
        new InetSocketAddress("127.0.0.1", 0));
    int port = dead.port();
    dead.close();
    try (FakeSpireServer alive = new FakeSpireServer("example.org", Clock.systemUTC(), true,
        new InetSocketAddress("127.0.0.2", port))) {
      TestNames.define("down-first.ha.test", InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2"));
      SpiffeServerTrustManager trust = new SpiffeServerTrustManager(SpiffeId.parse("spiffe://example.org/spire/server"),
          () -> Optional.of(alive.bundle), false, Clock.systemUTC());
      try (ServerConnection connection = ServerConnection.open("down-first.ha.test", port, trust, null)) {
        for (int call = 0; call < 3; call++) {
          getBundle(connection);
        }
      }
      assertThat(alive.calls).containsExactly("GetBundle", "GetBundle", "GetBundle");
    }
  }

  private static void getBundle(ServerConnection connection) {
    BundleGrpc.newBlockingStub(connection.channel()).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getBundle(GetBundleRequest.getDefaultInstance());
  }
}
