package dev.signet.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.testing.HelpRequests;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code -h}, {@code -help} and {@code --help} on every command of signet-agent; none runs the agent. */
class HelpTest {
  private final List<RunOptions> runs = new ArrayList<>();
  private final AgentRunner recordingRunner = options -> {
    runs.add(options);
    return 0;
  };

  @Test
  void everyAgentCommandPrintsItsUsageAndExitsZeroWithoutRunning() {
    StringWriter sink = new StringWriter();
    int commands = HelpRequests.assertEveryCommandPrintsHelp(
        () -> AgentMain.commandLine(recordingRunner, new PrintWriter(sink), new PrintWriter(sink)));
    assertThat(commands).as("run, validate, healthcheck, api fetch x509, ...").isGreaterThanOrEqualTo(9);
    assertThat(runs).isEmpty();
  }

  @Test
  void runWithoutHelpDoesReachTheRunner() { // the fake can tell: the test above is not vacuous
    StringWriter sink = new StringWriter();
    int exit = AgentMain.commandLine(recordingRunner, new PrintWriter(sink), new PrintWriter(sink))
        .execute("run", "-config", "agent.conf");
    assertThat(exit).isZero();
    assertThat(runs).hasSize(1);
  }
}
