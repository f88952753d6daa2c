package dev.signet.agent.admin;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the running agent reports about itself to the admin Debug API and the HTTP health checks. The
 * runtime implements it over its identity, sync loop and caches; tests implement it with plain values.
 */
public interface AgentInfo {
  /** The agent SVID chain, leaf first; empty before the agent has an identity. */
  List<X509Certificate> agentSvidChain();

  /** When the agent started. */
  Instant startedAt();

  /** When the last sync with the server succeeded; empty before the first success. */
  Optional<Instant> lastSyncSuccess();

  /** X509-SVIDs held for workloads now. */
  int cachedX509Svids();

  /** JWT-SVIDs cached for workloads now. */
  int cachedJwtSvids();

  /** False once the agent stopped by itself (banned, or unable to prove its identity). */
  boolean running();
}
