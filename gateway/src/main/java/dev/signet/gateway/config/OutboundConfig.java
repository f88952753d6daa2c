package dev.signet.gateway.config;

import dev.signet.common.spiffe.SpiffeId;
import java.net.InetSocketAddress;

/** One {@code outbound "NAME" {…}} block: plain TCP on {@code listen}, carried over mTLS to {@code remote}. */
public record OutboundConfig(String name, InetSocketAddress listen, InetSocketAddress remote, SpiffeId expectSpiffeId) {}
