package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real {@code bin/signet-demo}: a running demo serves an X509-SVID on its Workload API socket; a second demo
 * on the same directory is refused with a message naming the directory and exit 1, and leaves the first one's
 * server socket, data and Workload API untouched. Every process the test starts is stopped (the demo's whole
 * process tree: the script, its server and its agent).
 */
class DemoLockEndToEndTest {
  private static final Duration START = Duration.ofSeconds(120);

  @Test
  void aSecondDemoOnTheSameDirectoryIsRefusedAndTheFirstKeepsServing() throws Exception {
    try (Workspace ws = new Workspace("demo-lock")) {
      Path demoDir = ws.path("demo");
      Path agentSocket = ws.path("agent.sock");
      Map<String, String> env = Map.of("SIGNET_DEMO_DIR", demoDir.toString(),
          "SIGNET_DEMO_PORT", Integer.toString(Workspace.freePort()),
          "SPIFFE_ENDPOINT_SOCKET", "unix://" + agentSocket);
      RunningProcess first = demo(ws, "demo-first", env);
      List<RunningProcess> started = new ArrayList<>(List.of(first));
      try {
        CommandResult fetched = Poll.value("the first demo serves an X509-SVID", START, () -> {
          assertThat(first.isAlive()).as("first demo is running; log:\n%s", first.tail(40)).isTrue();
          CommandResult result = fetch(agentSocket);
          return result.ok() ? java.util.Optional.of(result) : java.util.Optional.empty();
        });
        assertThat(fetched.stdout()).contains("spiffe://example.org/demo/uid-");
        Path serverSocket = demoDir.resolve("server/api.sock");
        assertThat(serverSocket).exists();
        String serverConf = Files.readString(demoDir.resolve("conf/server.conf"));

        RunningProcess second = demo(ws, "demo-second", env);
        started.add(second);
        Integer exit = second.awaitExit(Duration.ofSeconds(60));
        assertThat(exit).as("second demo exits; log:\n%s", second.tail(20)).isEqualTo(1);
        assertThat(second.tail(5)).contains("another signet-demo is running in " + demoDir)
            .contains(demoDir.resolve("demo.lock").toString());

        assertThat(first.isAlive()).isTrue();
        assertThat(serverSocket).exists();
        assertThat(Files.readString(demoDir.resolve("conf/server.conf"))).isEqualTo(serverConf);
        assertThat(Distribution.run(Duration.ofSeconds(60), List.of(Distribution.get().serverBin(), "healthcheck",
            "-socketPath", serverSocket.toString())).exitCode()).isZero();
        CommandResult again = fetch(agentSocket);
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.stdout()).contains("spiffe://example.org/demo/uid-");
      } finally {
        List<ProcessHandle> tree = new ArrayList<>();
        for (RunningProcess process : started) {
          ProcessHandle.of(process.pid()).ifPresent(handle -> {
            tree.add(handle);
            handle.descendants().forEach(tree::add);
          });
          process.stop();
        }
        Poll.until("every process the demos started is gone", Duration.ofSeconds(30),
            () -> tree.stream().noneMatch(ProcessHandle::isAlive));
      }
    }
  }

  /** Starts {@code bin/signet-demo} in the workspace (the agent's disk key manager writes under ./data). */
  private static RunningProcess demo(Workspace ws, String name, Map<String, String> env) {
    String bin = Distribution.get().home().resolve("bin/signet-demo").toString();
    return RunningProcess.start(name, List.of("bash", "-c", "cd \"$1\" && exec \"$2\"", "bash",
        ws.dir().toString(), bin), Path.of("target", "it-logs", ws.name() + "-" + ws.dir().getFileName(),
        name + ".log").toAbsolutePath(), env);
  }

  private static CommandResult fetch(Path socket) {
    return Distribution.run(Duration.ofSeconds(60), List.of(Distribution.get().agentBin(), "api", "fetch", "x509",
        "-socketPath", socket.toString()));
  }
}
