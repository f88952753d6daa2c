package dev.signet.benchmarks.sidebyside;

/** One row of the side-by-side table: what is measured and its unit. */
enum Figure {
  LOAD_AVERAGE("load average (1 min) when the system's turn began", ""),
  SERVER_START("server start to healthy (fork to first SERVING health check)", "ms"),
  SERVER_RSS_IDLE("server VmRSS, idle 3 s after start", "MB"),
  SERVER_PSS_IDLE("server PSS, idle 3 s after start", "MB"),
  AGENT_FIRST_SVID_JOIN("agent start to first X509-SVID at the workload, join token, fresh data dir, 100 entries", "ms"),
  AGENT_FIRST_SVID_STORED("agent restart to first X509-SVID, stored identity, 100 entries", "ms"),
  AGENT_RSS_100("agent VmRSS after sync, 100 entries", "MB"),
  AGENT_PSS_100("agent PSS after sync, 100 entries", "MB"),
  AGENT_RESTART_CPU("agent CPU time (user + system) from fork to that first X509-SVID, restart on a stored identity",
      "ms"),
  AGENT_RSS_RESTARTED("agent VmRSS 5 s after a restart on its stored identity, 100 entries", "MB"),
  FETCH_P50("Workload API FetchX509SVID p50 (go-spiffe, new stream per call)", "µs"),
  FETCH_P99("Workload API FetchX509SVID p99", "µs"),
  FETCH_RATE("Workload API FetchX509SVID, 4 concurrent go-spiffe callers", "/s"),
  PROPAGATION_P50("entry created (API returned) to SVID at a watching workload, p50", "ms"),
  PROPAGATION_P99("entry created to SVID at a watching workload, p99", "ms"),
  AGENT_RSS_1000("agent VmRSS after sync, 1,000 entries", "MB"),
  AGENT_PSS_1000("agent PSS after sync, 1,000 entries", "MB"),
  MINT_RATE_COLD("MintX509SVID over the admin socket, 4 concurrent Go clients, the load's first seconds", "/s"),
  MINT_CPU_COLD("server CPU time per minted SVID, the load's first seconds", "µs"),
  MINT_RATE("MintX509SVID over the admin socket, 4 concurrent Go clients, after the warm-up", "/s"),
  MINT_CPU("server CPU time (user + system) per minted SVID, after the warm-up", "µs"),
  BATCH_NEW_RATE("BatchNewX509SVID by an attested load client, 4 connections, 10 SVIDs per call", "SVIDs/s"),
  BATCH_NEW_CPU("server CPU time per SVID through BatchNewX509SVID", "µs"),
  HANDSHAKE_RATE("full TLS 1.3 mTLS handshakes on the agent endpoint (agent SVID, ALPN h2), 2 JDK clients", "/s"),
  HANDSHAKE_CPU("server CPU time per full mTLS handshake on the agent endpoint", "µs"),
  AGENT_SYNC_1000("first sync of 1,000 entries by Signet's agent code (1,000 keys and CSRs, BatchNewX509SVID)", "ms"),
  CLI_AGENT_LIST("admin CLI `agent list` wall time", "ms"),
  CLI_ENTRY_SHOW("admin CLI `entry show -spiffeID` wall time", "ms"),
  SEED_RATE("entries created through BatchCreateEntry in batches of 500 (seeding)", "/s"),
  LOOKUP_BY_SELECTOR("ListEntries by one exact selector (1 match) among the seeded entries, median of 20 after 20 untimed", "ms"),
  LOOKUP_BY_PARENT("ListEntries by parent ID, the agent's node (1,001 matches), with the seeded entries, median of 20 after 20 untimed", "ms"),
  SERVER_RSS_SEEDED("server VmRSS with the seeded entries", "MB"),
  SERVER_PSS_SEEDED("server PSS with the seeded entries", "MB"),
  BATCH_NEW_RATE_SEEDED("BatchNewX509SVID as above, with the seeded entries on the server too", "SVIDs/s"),
  BATCH_NEW_CPU_SEEDED("server CPU time per SVID through BatchNewX509SVID, with the seeded entries", "µs");

  private final String label;
  private final String unit;

  Figure(String label, String unit) {
    this.label = label;
    this.unit = unit;
  }

  String label() {
    return label;
  }

  String unit() {
    return unit;
  }
}
