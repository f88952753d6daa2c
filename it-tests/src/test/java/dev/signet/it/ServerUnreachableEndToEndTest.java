package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultX509Source;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault 4 of the fault suite (issue 15): the server is unreachable (killed with SIGKILL, so the agent's
 * connections are refused) for longer than half the workload SVID's TTL and past the agent's staleness
 * threshold. Workloads keep the SVID they hold and new ones are served it, as long as it is valid; the agent
 * stays live, reports the outage as not ready ({@code /ready} 503 with the reason) and in its metrics, and
 * does not storm the absent server with retries although the SVID is past its renewal point. When the server
 * is back the agent syncs, rotates the SVID and becomes ready again without a restart.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ServerUnreachableEndToEndTest extends OneWorkspaceTest {
  private static final String NODE = SignetServer.id("/node/unreachable");
  private static final String WORKLOAD = SignetServer.id("/workload/unreachable");
  private static final String SYNCS = "spire_agent_manager_sync_fetch_entries_updates_total";
  /** SyncSchedule: 0.5 s doubling to 30 s, so 7 attempts until the pause is 30 s long, then one per 30 s. */
  private static final int ATTEMPTS_BEFORE_THE_LONGEST_PAUSE = 7;

  private SignetServer server;
  private SignetAgent agent;

  @BeforeAll
  void startServerAndAgent() {
    workspace = new Workspace("unreachable");
    // workload SVIDs live 120 s (+10 s backdating); the agent's own 150 s, so it outlives the outage
    server = new SignetServer(workspace, "120s").withServerBlocks("    agent_ttl = \"150s\"").start();
    server.createEntryOverGrpc(NODE, WORKLOAD, "unix:uid:" + Uids.current());
    agent = new SignetAgent(workspace, server, "a").withHealthAndMetrics().attestAndStart(NODE);
  }

  @Test
  void workloadsKeepTheirSvidTheAgentReportsTheOutageAndRecoversWithoutRestart() {
    try (X509Watch watch = new X509Watch(agent.address());
        DefaultX509Source source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(30));
      Poll.until("the agent ready before the outage", Duration.ofSeconds(30),
          () -> agent.health("/ready").status() == 200);
      X509Svid held = source.getX509Svid();
      BigInteger serial = held.getLeaf().getSerialNumber();
      Instant notBefore = held.getLeaf().getNotBefore().toInstant();
      Instant notAfter = held.getLeaf().getNotAfter().toInstant();
      Instant halfLife = notBefore.plus(Duration.between(notBefore, notAfter).dividedBy(2));
      long agentPid = agent.process().pid();

      server.process().kill();
      long down = System.nanoTime();

      // the outage lasts until the SVID is past half its lifetime (its renewal point) and the agent calls the
      // sync stale; meanwhile it stays live and serves the SVID it holds
      String notReady = Poll.value("the agent reporting the outage on /ready", Duration.ofSeconds(150), () -> {
        SignetAgent.HealthAnswer ready = agent.health("/ready");
        return ready.status() == 503 && Instant.now().isAfter(halfLife) ? Optional.of(ready.body()) : Optional.empty();
      });
      long reported = System.nanoTime();
      assertThat(notReady).contains("\"ready\":false", "no successful sync with the server", "serving cached svids");
      assertThat(agent.health("/live").status()).as("the agent stays live while its server is away").isEqualTo(200);
      X509Svid fetched = Spiffe.fetchOnce(agent.address(), WORKLOAD);
      assertThat(fetched.getLeaf().getSerialNumber()).as("a workload starting now gets the SVID the agent holds")
          .isEqualTo(serial);
      assertThat(source.getX509Svid().getLeaf().getSerialNumber()).as("the open source keeps its SVID")
          .isEqualTo(serial);
      assertThat(Instant.now()).as("the SVID served is still valid").isBefore(notAfter);
      String during = agent.metrics();
      double age = Prometheus.sum(during, "spire_agent_manager_sync_last_success_age_seconds");
      double consecutive = Prometheus.sum(during, "spire_agent_manager_sync_consecutive_failures");
      double failed = Prometheus.sum(during, SYNCS) - Prometheus.sum(during, SYNCS + "{status=\"OK\"}");
      double outageSeconds = (System.nanoTime() - down) / 1e9;
      assertThat(age).as("seconds since the last successful sync").isGreaterThan(60);
      assertThat(consecutive).isGreaterThanOrEqualTo(1);
      assertThat(failed).as("failed syncs while the server was down").isGreaterThanOrEqualTo(1)
          // the SVID is past its renewal point: before SyncSchedule this was one attempt per 250 ms tick
          .isLessThanOrEqualTo(ATTEMPTS_BEFORE_THE_LONGEST_PAUSE + Math.ceil(outageSeconds / 30) + 1);

      long restart = System.nanoTime();
      server.start();
      long up = System.nanoTime();
      Poll.until("the agent ready again", Duration.ofSeconds(90), () -> agent.health("/ready").status() == 200);
      long readyAgain = System.nanoTime();
      X509Svid rotated = Poll.value("a rotated SVID on the open stream", Duration.ofSeconds(60),
          () -> watch.latest(WORKLOAD).filter(s -> !s.getLeaf().getSerialNumber().equals(serial)));
      long rotatedAt = System.nanoTime();
      assertThat(rotated.getLeaf().getNotAfter()).isAfter(held.getLeaf().getNotAfter());
      assertThat(Spiffe.fetchOnce(agent.address(), WORKLOAD).getLeaf().getSerialNumber())
          .isEqualTo(rotated.getLeaf().getSerialNumber());
      Poll.until("the metrics showing the recovery", Duration.ofSeconds(30), () -> {
        String after = agent.metrics();
        return Prometheus.sum(after, "spire_agent_manager_sync_consecutive_failures") == 0
            && Prometheus.sum(after, "spire_agent_manager_sync_last_success_age_seconds") < 30;
      });
      assertThat(agent.process().isAlive()).isTrue();
      assertThat(agent.process().pid()).as("the same agent process, never restarted").isEqualTo(agentPid);
      assertThat(watch.errors()).as("the workload's stream to the agent never broke").isEmpty();
      System.out.printf("fault 4: server killed for %.1f s before its restart (+%.1f s to start; SVID TTL 120 s, "
              + "past its renewal point); /ready 503 after %.1f s; %.0f failed syncs while down; workloads served the "
              + "held SVID throughout; ready %.1f s and a rotated SVID %.1f s after the server was up%n",
          (restart - down) / 1e9, (up - restart) / 1e9, (reported - down) / 1e9, failed, (readyAgain - up) / 1e9,
          (rotatedAt - up) / 1e9);
    }
  }
}
