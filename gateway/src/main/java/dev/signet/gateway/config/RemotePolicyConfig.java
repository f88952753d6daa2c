package dev.signet.gateway.config;

import dev.signet.common.spiffe.SpiffeId;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code policy { remote { address server_spiffe_id timeout } }}: decisions asked of the server's access API
 * ({@code POST /api/v1/policies/evaluate} over mutual TLS).
 *
 * @param address the access API's {@code host:port} ({@code access_api} with {@code tls = true})
 * @param serverId the SPIFFE ID the server must present (default {@code spiffe://<our trust domain>/spire/server})
 * @param timeout how long one decision may take before it counts as a denial
 */
public record RemotePolicyConfig(InetSocketAddress address, Optional<SpiffeId> serverId, Duration timeout) {}
