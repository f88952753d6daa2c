package dev.signet.gateway.config;

import dev.signet.common.config.ConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One {@code inbound "NAME" {…}} block: mTLS on {@code listen} for the plain {@code upstream}. TCP mode
 * decides {@code connect} on {@code resource} per connection; HTTP mode decides the method on the path per
 * request and forwards the caller's ID in {@code identityHeader}.
 */
public record InboundConfig(String name, Mode mode, InetSocketAddress listen, InetSocketAddress upstream,
    String resource, String identityHeader, int maxHeaderBytes, int maxBodyBytes, Duration requestTimeout) {
  /** What the route speaks to its upstream. */
  public enum Mode { tcp, http }

  public InboundConfig {
    if (maxHeaderBytes < 1024 || maxBodyBytes < 0 || requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new ConfigException("inbound \"" + name + "\": max_header_bytes must be at least 1024, max_body_bytes at "
          + "least 0 and request_timeout positive (got " + maxHeaderBytes + ", " + maxBodyBytes + ", " + requestTimeout + ")");
    }
    if (!identityHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
      throw new ConfigException("inbound \"" + name + "\": identity_header \"" + identityHeader
          + "\" is not an http header name");
    }
  }
}
