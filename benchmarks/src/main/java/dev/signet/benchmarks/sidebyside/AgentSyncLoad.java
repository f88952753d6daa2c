package dev.signet.benchmarks.sidebyside;

import dev.signet.agent.client.ServerConnection;
import dev.signet.agent.sync.EntrySynchronizer;
import dev.signet.agent.sync.ServerApi;
import dev.signet.agent.sync.ServerJwtSvidSource;
import dev.signet.agent.workload.IdentitySnapshot;
import dev.signet.agent.workload.JwtSvidCache;
import dev.signet.agent.workload.WorkloadIdentityCache;
import dev.signet.common.crypto.KeyType;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.entry.v1.GetAuthorizedEntriesRequest;
import dev.signet.proto.spire.api.types.Entry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An agent's first sync of {@code entries} registration entries, timed: Signet's own agent code
 * ({@link EntrySynchronizer}, as the agent runs it) connected as an attested {@link LoadAgent}, so the figure is a
 * new key and CSR per entry, the BatchNewX509SVID calls and the server's issuance, without the agent's JVM start.
 * The same code syncs against either server (Signet's agent attests to and syncs from {@code spire-server}).
 */
final class AgentSyncLoad {
  private AgentSyncLoad() {}

  /** Wall milliseconds of the first sync of {@code entries} entries registered under a fresh load agent. */
  static double firstSyncMillis(AdminApi admin, int serverPort, int entries) {
    LoadAgent agent = LoadAgent.attest(admin, serverPort);
    List<Entry> registered = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      registered.add(AdminApi.entry(agent.agentPath(), "/agent-sync/" + i, "unix", "uid:" + (700_000 + i)));
    }
    admin.create(registered);
    TrustDomain trustDomain = TrustDomain.parse(AdminApi.TRUST_DOMAIN);
    try (ServerApi api = new ServerApi(ServerConnection.open("127.0.0.1", serverPort, agent.trust(), agent.svid()),
        Duration.ofSeconds(60))) {
      awaitAuthorized(api, entries);
      WorkloadIdentityCache cache = new WorkloadIdentityCache(IdentitySnapshot.empty(
          BundleProtos.fromProto(api.bundles().getBundle(GetBundleRequest.getDefaultInstance()))));
      EntrySynchronizer synchronizer = new EntrySynchronizer(api, trustDomain, cache,
          new JwtSvidCache(new ServerJwtSvidSource(api), Clock.systemUTC()), KeyType.EC_P256, Clock.systemUTC(),
          entries);
      long start = System.nanoTime();
      EntrySynchronizer.Result result = synchronizer.sync();
      double millis = (System.nanoTime() - start) / 1e6;
      if (result.issued() != entries) {
        throw new IllegalStateException("the first sync issued " + result.issued() + " x509-svids for " + entries
            + " entries");
      }
      return millis;
    }
  }

  /** Servers learn of new entries through caches (SPIRE's reloads every 5 s): wait until all are authorized. */
  private static void awaitAuthorized(ServerApi api, int entries) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int authorized;
    while ((authorized = api.entries().getAuthorizedEntries(GetAuthorizedEntriesRequest.getDefaultInstance())
        .getEntriesCount()) < entries) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + authorized + " of the load agent's " + entries
            + " entries were authorized within 60 s");
      }
      LockSupport.parkNanos(200_000_000);
    }
  }
}
