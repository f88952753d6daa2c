package dev.signet.agent.state;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.svid.X509SvidValidator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What an attested agent keeps across restarts: its SVID chain and key, the trust bundle roots it last
 * received, and whether the server allows it to re-attest. A restarted agent with a stored, unexpired
 * state does not attest again.
 */
public record AgentState(List<X509Certificate> svidChain, PrivateKey privateKey, List<X509Certificate> bundle,
    boolean reattestable) {

  public AgentState {
    svidChain = List.copyOf(svidChain);
    bundle = List.copyOf(bundle);
    Objects.requireNonNull(privateKey, "private key");
    if (svidChain.isEmpty()) {
      throw new IllegalArgumentException("agent SVID chain is empty");
    }
  }

  /** The agent's SPIFFE ID, from the SVID's URI SAN. */
  public SpiffeId agentId() {
    return X509SvidValidator.spiffeIdOf(leaf());
  }

  public X509Certificate leaf() {
    return svidChain.getFirst();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }

  public AgentState withSvid(List<X509Certificate> chain, PrivateKey key) {
    return new AgentState(chain, key, bundle, reattestable);
  }

  public AgentState withBundle(List<X509Certificate> roots) {
    return new AgentState(svidChain, privateKey, roots, reattestable);
  }

  @Override
  public String toString() {
    return "AgentState[agentId=" + agentId() + ", notAfter=" + notAfter() + ", bundle=" + bundle.size()
        + " roots, reattestable=" + reattestable + "]";
  }
}
