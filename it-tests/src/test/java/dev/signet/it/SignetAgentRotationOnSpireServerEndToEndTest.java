package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.svid.x509svid.X509Svid;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code signet-agent} on a real {@code spire-server} v1.13.3 with short lifetimes: the workload's X509-SVID
 * ({@code entry create -x509SVIDTTL 20}) and the agent's own SVID ({@code agent_ttl = "30s"} on the server) are
 * renewed by SPIRE's CA before they expire, as the workload's stream and {@code spire-server agent show} see it.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SignetAgentRotationOnSpireServerEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/rotating");
  private static final String WORKLOAD = SignetServer.id("/workload/rotating");
  private static final Duration ROTATIONS_LIMIT = Duration.ofSeconds(90);

  private Workspace workspace;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void signetAgentRenewsItsWorkloadSvidsAndItsOwnSvidFromSpireServer() {
    workspace = new Workspace("signet-agent-rotation-on-spire");
    SpireServer spire = new SpireServer(workspace).withServerBlocks("agent_ttl = \"30s\"").start();
    spire.createEntry(NODE, WORKLOAD, "unix:uid:" + Uids.current(), "-x509SVIDTTL", "20");
    SignetAgent agent = new SignetAgent(workspace, spire, "a").attestAndStart(NODE);
    String firstAgentSerial = agentSerial(spire, agent.spiffeId());

    try (X509Watch watch = new X509Watch(agent.address())) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(30));
      Set<BigInteger> serials = new LinkedHashSet<>();
      List<Long> lifetimes = new ArrayList<>();
      Poll.until("three workload SVIDs in turn", ROTATIONS_LIMIT, () -> {
        watch.updates().forEach(update -> update.context().getX509Svids().stream()
            .filter(svid -> svid.getSpiffeId().toString().equals(WORKLOAD))
            .map(X509Svid::getLeaf)
            .forEach(leaf -> {
              if (serials.add(leaf.getSerialNumber())) {
                lifetimes.add(TimeUnit.MILLISECONDS.toSeconds(leaf.getNotAfter().getTime()
                    - leaf.getNotBefore().getTime()));
              }
            }));
        return serials.size() >= 3;
      });
      assertThat(lifetimes).as("SPIRE signs them for the entry's 20 s (plus its backdating)").allMatch(s -> s <= 40);
      X509Svid latest = watch.latest(WORKLOAD).orElseThrow();
      assertThat(latest.getLeaf().getNotAfter()).as("the served SVID is current").isInTheFuture();
      System.out.printf("signet-agent on spire-server: %d workload SVIDs of %s s each in turn; %d stream updates%n",
          serials.size(), lifetimes, watch.updates().size());
    }

    String renewed = Poll.value("spire-server showing a renewed agent SVID", ROTATIONS_LIMIT, () -> {
      String serial = agentSerial(spire, agent.spiffeId());
      return serial.equals(firstAgentSerial) ? java.util.Optional.empty() : java.util.Optional.of(serial);
    });
    assertThat(renewed).isNotEqualTo(firstAgentSerial);
    assertThat(agent.process().isAlive()).isTrue();
    assertThat(spire.agentIds()).as("renewed, not re-attested: still one agent").containsExactly(agent.spiffeId());
  }

  /** The agent's X509-SVID serial number as {@code spire-server agent show -output json} reports it. */
  private static String agentSerial(SpireServer spire, String agentId) {
    String serial = SignetServer.json(spire.admin("agent", "show", "-spiffeID", agentId, "-output", "json")
        .requireOk()).path("x509svid_serial_number").asText();
    assertThat(serial).as("agent show's x509svid_serial_number").isNotBlank();
    return serial;
  }
}
