package dev.signet.gateway.proxy;

import dev.signet.gateway.authz.Authorizer;
import dev.signet.gateway.metrics.GatewayMetrics;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * What every route's handlers share: its name, the TLS context of the next handshake, the authorizer, the
 * meters, and its time limits.
 */
public record RouteContext(String name, Supplier<SslContext> tls, Authorizer authorizer, GatewayMetrics metrics,
    Duration handshakeTimeout, Duration connectTimeout, Class<? extends SocketChannel> clientChannel) {
  public RouteContext {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("route name is empty");
    }
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("route " + name + ": handshake timeout must be positive, got " + handshakeTimeout);
    }
  }
}
