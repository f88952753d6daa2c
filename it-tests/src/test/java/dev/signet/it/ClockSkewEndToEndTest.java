package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import io.spiffe.workloadapi.DefaultX509Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 5 of the fault suite (issue 15): the agent's clock 5 minutes off the server's, made real with libfaketime
 * on the agent process ({@link FakeTime}).
 *
 * <p>Ahead: every SVID the server issues looks expired on arrival on the agent's clock. The agent holds and
 * serves it and renews it half a lifetime after receipt on its own clock (agent SVID and workload SVIDs alike), so
 * rotation neither storms nor stops; the SVIDs validate on the true clock (what peers whose clocks are right see).
 *
 * <p>Behind: a server certificate younger than the skew is not yet valid on the agent's clock; the agent accepts
 * a server certificate up to 5 minutes early (SpiffeServerTrustManager.NOT_BEFORE_ALLOWANCE; the server backdates
 * only 10 s, as SPIRE does, since SPIRE's agents rotate at half of NotBefore..NotAfter) and then holds and renews
 * SVIDs on receipt time as when ahead.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClockSkewEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/skewed");
  private static final String WORKLOAD = SignetServer.id("/workload/skewed");
  private static final Duration SKEW = Duration.ofMinutes(5);
  /** The workload SVID's TTL (entry x509_svid_ttl) and lifetime (with the server's 10 s backdating). */
  private static final Duration LIFETIME = Duration.ofSeconds(60 + 10);
  /** The agent SVID's agent_ttl and lifetime. */
  private static final Duration AGENT_LIFETIME = Duration.ofSeconds(90 + 10);
  /** How long rotations are counted: longer than two renewal intervals of the workload SVID. */
  private static final Duration WINDOW = Duration.ofSeconds(100);
  private static final Pattern LOG_TIME = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) ", Pattern.MULTILINE);

  private final Workspace ahead = new Workspace("skew-ahead");
  private final Workspace behind = new Workspace("skew-behind");

  @Override
  public List<Workspace> workspaces() {
    return List.of(ahead, behind);
  }

  @AfterEach
  void stopAll() {
    ahead.close();
    behind.close();
  }

  /**
   * Both directions at once, each agent on its own server (the server's counters are per direction): the two
   * windows overlap instead of following each other, and the machine is idle through most of them.
   */
  @Test
  void anAgentFiveMinutesAheadAndOneFiveMinutesBehindServeValidSvidsAndRotateThemWithoutStorming() throws Exception {
    // ahead: the server's own SVID lives an hour (its default_x509_svid_ttl): one of 60 s would be expired on the
    // agent's clock, and the agent would refuse the server as any TLS client does.
    // behind: the server's certificate was minted moments ago (NotBefore 10 s back on the server's clock), so it is
    // not yet valid on the agent's clock: accepted within SpiffeServerTrustManager's NOT_BEFORE_ALLOWANCE
    ExecutorService directions = Executors.newFixedThreadPool(2);
    try {
      Future<?> aheadRun = directions.submit(() -> servesAndRotatesWithoutStorming(ahead, "+5m", SKEW));
      Future<?> behindRun = directions.submit(() -> servesAndRotatesWithoutStorming(behind, "-5m", SKEW.negated()));
      outcome(aheadRun);
      outcome(behindRun);
    } finally {
      directions.shutdownNow();
    }
  }

  private static void outcome(Future<?> direction) throws Exception {
    try {
      direction.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private void servesAndRotatesWithoutStorming(Workspace workspace, String offset, Duration skew) {
    int serverMetricsPort = Workspace.freePort();
    SignetServer server = new SignetServer(workspace, "1h").withServerBlocks("    agent_ttl = \"90s\"")
        .withBlocks(Prometheus.telemetryBlock(serverMetricsPort)).start();
    server.createEntry(NODE, WORKLOAD, "unix:uid:" + Uids.current(), "-x509SVIDTTL", "60");
    Instant beforeStart = Instant.now();
    SignetAgent agent = new SignetAgent(workspace, server, "skewed").withEnvironment(FakeTime.offset(offset))
        .attestAndStart(NODE);
    Instant afterStart = Instant.now();
    assertThat(firstLogTime(agent.process().log())).as("the agent's JVM runs %s", offset)
        .isBetween(beforeStart.plus(skew).minusSeconds(2), afterStart.plus(skew).plusSeconds(2));

    try (X509Watch watch = new X509Watch(agent.address());
        DefaultX509Source source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      watch.awaitSpiffeId(WORKLOAD, Duration.ofSeconds(60));
      String before = Prometheus.scrape(serverMetricsPort);
      long windowStart = System.nanoTime();
      Poll.until("a window of " + WINDOW.toSeconds() + " s", WINDOW.plusSeconds(30),
          () -> System.nanoTime() - windowStart >= WINDOW.toNanos());
      String after = Prometheus.scrape(serverMetricsPort);

      Map<BigInteger, X509Svid> seen = new LinkedHashMap<>();
      List<BigInteger> newInWindow = new ArrayList<>();
      for (X509Watch.Update update : watch.updates()) {
        for (X509Svid svid : update.context().getX509Svids()) {
          BigInteger serial = svid.getLeaf().getSerialNumber();
          if (svid.getSpiffeId().toString().equals(WORKLOAD) && seen.put(serial, svid) == null
              && update.nanos() >= windowStart) {
            newInWindow.add(serial);
          }
        }
      }
      double agentRenewals = Prometheus.sum(after, "spire_server_rpc_agent_v1_agent_renew_agent_total{status=\"OK\"}")
          - Prometheus.sum(before, "spire_server_rpc_agent_v1_agent_renew_agent_total{status=\"OK\"}");
      double batches = Prometheus.sum(after, "spire_server_rpc_svid_v1_svid_batch_new_x509svid_total{status=\"OK\"}")
          - Prometheus.sum(before, "spire_server_rpc_svid_v1_svid_batch_new_x509svid_total{status=\"OK\"}");
      // renewals come at least a quarter lifetime apart (LocalValidity); without it, ahead, every sync (5 s)
      // re-issued the workload SVID, dropped as expired on arrival, and the agent renewed its own on every 250 ms
      // tick; behind, renewals were scheduled past the SVIDs' expiry
      long most = WINDOW.toMillis() / LIFETIME.dividedBy(4).toMillis() + 1;
      assertThat(newInWindow.size()).as("workload SVID rotations in %s", WINDOW).isBetween(2, (int) most);
      assertThat(batches).as("X509-SVID issuances by the server in %s", WINDOW).isBetween(2.0, (double) most);
      assertThat(agentRenewals).as("agent SVID renewals in %s", WINDOW)
          .isBetween(1.0, (double) (WINDOW.toMillis() / AGENT_LIFETIME.dividedBy(4).toMillis() + 1));
      for (X509Svid svid : seen.values()) {
        assertThat(svid.getLeaf().getNotBefore().toInstant()).as("valid from the server's (true) clock on")
            .isBefore(Instant.now());
      }
      X509Svid current = source.getX509Svid();
      try {
        X509SvidValidator.verifyChain(current.getChain(), source);
      } catch (Exception e) {
        throw new AssertionError("the current SVID does not validate on the true clock", e);
      }
      assertThat(watch.errors()).isEmpty();
      assertThat(readLog(agent.process().log())).contains("clock skew: the x509-svid of entry");
      System.out.printf("fault 5: agent %s: %d workload SVID rotations and %.0f issuances (TTL 60 s), "
          + "%.0f agent SVID renewals (agent_ttl 90 s) in %d s; every SVID valid on the true clock%n", offset,
          newInWindow.size(), batches, agentRenewals, WINDOW.toSeconds());
    }
  }

  private static String readLog(Path log) {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The time of the first timestamped line of a process log. */
  private static Instant firstLogTime(Path log) {
    return Poll.value("a timestamped line in " + log, Duration.ofSeconds(30), () -> {
      Matcher matcher = LOG_TIME.matcher(readLog(log));
      return matcher.find() ? Optional.of(Instant.parse(matcher.group(1))) : Optional.empty();
    });
  }
}
