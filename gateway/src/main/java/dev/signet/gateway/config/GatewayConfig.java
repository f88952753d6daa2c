package dev.signet.gateway.config;

import dev.signet.common.crypto.CryptoProviderMode;
import dev.signet.common.logging.LogOutput;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The checked gateway configuration ({@link GatewayConfigLoader} builds it from HCL).
 *
 * @param socketPath the local agent's Workload API socket
 * @param spiffeId which of the workload's SVIDs to use; empty: the first (the default SVID)
 * @param dataDir where the audit trail ({@code audit.log}) and its key ({@code audit.key}) live
 * @param federatedTrustDomains foreign trust domains whose callers inbound routes accept
 * @param policyDir the policy files (same format as the server's {@code access.policy_dir}); empty when
 *     decisions are remote
 * @param remotePolicy the server's access API that decides; empty when decisions are made in process
 * @param cryptoProvider the JCA provider TLS signs and verifies with ({@code crypto_provider}, as the daemons)
 */
public record GatewayConfig(Path socketPath, Optional<SpiffeId> spiffeId, String logLevel, LogOutput logOutput,
    Path dataDir, Optional<InetSocketAddress> metricsListen, Set<TrustDomain> federatedTrustDomains,
    Duration handshakeTimeout, Duration connectTimeout, Optional<Path> policyDir,
    Optional<RemotePolicyConfig> remotePolicy, Duration policyReloadInterval,
    Duration decisionCacheTtl, CryptoProviderMode cryptoProvider, List<InboundConfig> inbound,
    List<OutboundConfig> outbound) {
  public GatewayConfig {
    if (policyDir.isPresent() == remotePolicy.isPresent()) {
      throw new IllegalArgumentException("exactly one of a policy directory and a remote decision service is needed");
    }
    federatedTrustDomains = Set.copyOf(federatedTrustDomains);
    inbound = List.copyOf(inbound);
    outbound = List.copyOf(outbound);
  }
}
