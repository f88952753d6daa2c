package dev.signet.agent.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real short-lived processes (sh), no mocks: signals, restarts, exit codes and the PID file. */
class ManagedProcessTest {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  @TempDir Path dir;

  /** A shell that records each start and each SIGHUP in files, then waits. */
  private List<String> reloadingShell() {
    return List.of("sh", "-c", "echo start >> " + dir.resolve("starts") + "; trap 'echo hup >> " + dir.resolve("hups")
        + "' HUP; while :; do sleep 0.05; done");
  }

  private long lines(String file) throws IOException {
    Path path = dir.resolve(file);
    return Files.exists(path) ? Files.readAllLines(path).size() : 0;
  }

  @Test
  void theRenewSignalReachesTheRunningProcessEveryTime() throws Exception {
    try (ManagedProcess process = new ManagedProcess(reloadingShell(), Duration.ofMillis(100), Duration.ofSeconds(1),
        code -> {})) {
      process.start();
      await().atMost(DEADLINE).until(() -> lines("starts") == 1);
      assertThat(process.signal(new RenewSignal("SIGHUP"))).isTrue();
      await().atMost(DEADLINE).until(() -> lines("hups") == 1);
      assertThat(process.signal(new RenewSignal("SIGHUP"))).isTrue();
      await().atMost(DEADLINE).until(() -> lines("hups") == 2);
      assertThat(process.starts()).isEqualTo(1);
    }
  }

  @Test
  void aProcessThatDiesIsReportedWithItsExitCodeAndRestarted() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    List<String> command = List.of("sh", "-c", "echo start >> " + dir.resolve("starts") + "; "
        + "if [ $(wc -l < " + dir.resolve("starts") + ") -lt 3 ]; then exit 3; fi; while :; do sleep 0.05; done");
    try (ManagedProcess process = new ManagedProcess(command, Duration.ofMillis(50), Duration.ofSeconds(1),
        exits::add)) {
      process.start();
      await().atMost(DEADLINE).until(() -> lines("starts") == 3 && process.pid().isPresent());
      assertThat(exits).containsExactly(3, 3);
      assertThat(process.starts()).isEqualTo(3);
    }
  }

  @Test
  void closeStopsTheProcessAndItIsNotRestarted() throws Exception {
    List<Integer> exits = new CopyOnWriteArrayList<>();
    ManagedProcess process = new ManagedProcess(reloadingShell(), Duration.ofMillis(10), Duration.ofSeconds(1),
        exits::add);
    process.start();
    await().atMost(DEADLINE).until(() -> lines("starts") == 1);
    long pid = process.pid().orElseThrow();
    process.close();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(java.util.Optional.empty(),
        java.util.Optional.of(false));
    assertThat(process.pid()).isEqualTo(OptionalLong.empty());
    assertThat(exits).isEmpty();
    assertThat(process.signal(new RenewSignal("SIGHUP"))).as("nothing runs to signal").isFalse();
  }

  @Test
  void aProcessNamedByAPidFileIsSignalled() throws Exception {
    Process shell = new ProcessBuilder(reloadingShell()).start();
    try {
      Path pidFile = dir.resolve("postmaster.pid");
      Files.writeString(pidFile, shell.pid() + "\n/var/lib/postgresql/data\n1700000000\n5432\n");
      assertThat(ProcessSignals.readPid(pidFile)).isEqualTo(shell.pid());
      await().atMost(DEADLINE).until(() -> lines("starts") == 1);
      ProcessSignals.send(ProcessSignals.readPid(pidFile), new RenewSignal("SIGHUP"));
      await().atMost(DEADLINE).until(() -> lines("hups") == 1);
    } finally {
      shell.destroyForcibly().waitFor();
    }
  }

  @Test
  void badPidFilesAndDeadPidsAreClearErrors() throws Exception {
    Path pidFile = dir.resolve("app.pid");
    Files.writeString(pidFile, "not-a-pid\n");
    assertThatThrownBy(() -> ProcessSignals.readPid(pidFile))
        .hasMessage("pid file \"" + pidFile + "\" does not start with a pid (first line \"not-a-pid\")");
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    assertThatThrownBy(() -> ProcessSignals.send(exited.pid(), new RenewSignal("SIGUSR1")))
        .hasMessageStartingWith("cannot send SIGUSR1 to pid " + exited.pid() + ":");
  }

  @Test
  void oneShotGivesTheCommandsExitCode() throws Exception {
    assertThat(ManagedProcess.runOnce(List.of("sh", "-c", "exit 7")).waitFor()).isEqualTo(7);
  }
}
