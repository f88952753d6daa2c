package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.DefaultX509Source;
import io.spiffe.workloadapi.WorkloadApiClient;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failure and lifecycle cases, each with its own server and agent: the server going away and coming back,
 * the agent restarting on its stored identity, and a banned agent.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ResilienceEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/resilience");
  private static final String WORKLOAD = SignetServer.id("/workload/resilient");

  private final int uid = Uids.current();
  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @BeforeEach
  void startServerAndAgent(org.junit.jupiter.api.TestInfo test) {
    workspace = new Workspace("resilience-" + test.getTestMethod().orElseThrow().getName());
    server = new SignetServer(workspace).start();
    server.createEntryOverGrpc(NODE, WORKLOAD, "unix:uid:" + uid);
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void agentKeepsServingWhileTheServerIsDownAndRecoversWhenItComesBack() {
    try (X509Watch watch = new X509Watch(agent.address());
        DefaultX509Source source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(30));
      String serial = source.getX509Svid().getLeaf().getSerialNumber().toString();

      Integer serverExit = server.stop();
      assertThat(server.process().isAlive()).isFalse();
      System.out.println("server exit code on SIGTERM: " + serverExit);

      // for a while (longer than a sync period) fresh workload connections keep being served from the cache
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
      int fetches = 0;
      while (System.nanoTime() < until || fetches < 2) {
        CommandResult fetch = agent.fetchX509(null);
        assertThat(fetch.exitCode()).as("fetch #%d with the server down: %s", fetches + 1, fetch).isZero();
        assertThat(fetch.stdout()).contains(WORKLOAD);
        fetches++;
      }
      assertThat(agent.process().isAlive()).as("the agent survives the server outage").isTrue();
      assertThat(source.getX509Svid().getLeaf().getSerialNumber().toString())
          .as("the open source still holds the cached SVID").isEqualTo(serial);

      server.start();
      String after = SignetServer.id("/workload/after-restart");
      long created = System.nanoTime();
      server.createEntryOverGrpc(NODE, after, "unix:uid:" + uid);
      // the agent retries with a growing pause (0.5 s doubling to 30 s) while the server is away
      long seen = watch.awaitSpiffeId(after, Duration.ofSeconds(60));
      System.out.println("recovery: entry created after the server restart reached the workload stream in "
          + TimeUnit.NANOSECONDS.toMillis(seen - created) + " ms");
      assertThat(agent.fetchX509(null).requireOk().stdout()).contains(after).contains(WORKLOAD);
    }
  }

  @Test
  void agentRestartedWithoutAJoinTokenResumesItsIdentity() {
    String agentId = agent.spiffeId();
    assertThat(server.agentIds()).containsExactly(agentId);
    assertThat(agent.fetchX509(null).requireOk().stdout()).contains(WORKLOAD);

    Integer exitOnSigterm = agent.stop();
    assertThat(agent.process().isAlive()).isFalse();
    System.out.println("agent exit code on SIGTERM: " + exitOnSigterm);

    agent.restartWithoutToken();

    CommandResult fetch = agent.fetchX509(null);
    assertThat(fetch.exitCode()).as(fetch.toString()).isZero();
    assertThat(fetch.stdout()).contains(WORKLOAD);
    assertThat(server.agentIds()).as("still one agent, the same one").containsExactly(agentId);

    // AgentLauncher's contract (and spire-agent's behaviour): SIGTERM is a clean shutdown with exit 0
    assertThat(exitOnSigterm).as("signet-agent exit code after SIGTERM (clean shutdown)").isEqualTo(0);
  }

  @Test
  void bannedAgentStopsServing() {
    assertThat(agent.fetchX509(null).requireOk().stdout()).contains(WORKLOAD);
    String agentId = agent.spiffeId();
    assertThat(server.agentIds()).containsExactly(agentId);

    server.admin("agent", "ban", "-spiffeID", agentId).requireOk();
    long banned = System.nanoTime();

    // cheap in-JVM checks while polling: the process is gone, or the Workload API refuses this workload
    String outcome = Poll.value("the banned agent exiting or refusing workloads", Duration.ofSeconds(20), () -> {
      if (!agent.process().isAlive()) {
        return Optional.of("exited");
      }
      try (WorkloadApiClient client = DefaultWorkloadApiClient.newClient(
          DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(agent.address()).build())) {
        client.fetchX509Context();
        return Optional.empty();
      } catch (Exception refused) {
        return Optional.of("refused workloads (" + refused.getMessage() + ")");
      }
    });
    long reacted = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - banned);
    Integer code = agent.process().awaitExit(Duration.ofSeconds(15));
    System.out.println("ban: agent " + outcome + " " + reacted + " ms after `agent ban` returned; exit code "
        + (code == null ? "(still running)" : code));
    if (code != null) {
      assertThat(code).as("a banned agent exits with an error").isNotZero();
    }
    CommandResult fetch = agent.fetchX509(null);
    assertThat(fetch.ok()).as("no SVID is served after the ban: %s", fetch).isFalse();
  }
}
