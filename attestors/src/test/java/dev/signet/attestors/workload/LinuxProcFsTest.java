package dev.signet.attestors.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxProcFsTest {
  @TempDir Path temp;

  @Test
  void readsStatusStatExeAndCgroupFromAFakeRoot() throws Exception {
    Path binary = Files.writeString(temp.resolve("app"), "binary");
    FakeProc fake = new FakeProc(temp.resolve("proc"))
        .process(42, new int[] {1000, 1001}, new int[] {2000, 2001}, List.of(10, 20), 123456)
        .exe(42, binary);
    ProcFs proc = fake.procFs();

    ProcessStatus status = proc.status(42);
    assertThat(status.realUid()).isEqualTo(1000);
    assertThat(status.effectiveUid()).isEqualTo(1001);
    assertThat(status.realGid()).isEqualTo(2000);
    assertThat(status.effectiveGid()).isEqualTo(2001);
    assertThat(status.supplementaryGids()).containsExactly(10, 20);
    assertThat(proc.startTime(42)).isEqualTo(123456);
    assertThat(proc.executablePath(42)).isEqualTo(binary);
    assertThat(proc.executableFile(42)).isEqualTo(fake.root().resolve("42/exe"));
    assertThat(proc.cgroups(42)).containsExactly(
        new CgroupEntry(12, List.of("pids"), "/docker/abc"),
        new CgroupEntry(1, List.of("name=systemd"), "/docker/abc"),
        new CgroupEntry(0, List.of(), "/system.slice/x.service"));
  }

  @Test
  void missingPidIsProcessGone() {
    ProcFs proc = new LinuxProcFs(temp);
    assertThatThrownBy(() -> proc.status(4242))
        .isInstanceOfSatisfying(WorkloadAttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(WorkloadAttestationException.Kind.PROCESS_GONE))
        .hasMessage("process 4242 does not exist");
    assertThatThrownBy(() -> proc.startTime(4242)).hasMessage("process 4242 does not exist");
    assertThatThrownBy(() -> proc.executablePath(4242)).hasMessage("process 4242 does not exist");
    assertThatThrownBy(() -> proc.executableFile(4242)).hasMessage("process 4242 does not exist");
    assertThatThrownBy(() -> proc.status(0)).hasMessage("pid 0 is not a process id");
  }

  @Test
  void realProcDescribesThisJvm() throws Exception {
    ProcFs proc = LinuxProcFs.system();
    int pid = (int) ProcessHandle.current().pid();
    ProcessStatus status = proc.status(pid);
    Path self = Path.of("/proc/self/status");
    String uidLine = Files.readAllLines(self).stream().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    assertThat(status.realUid()).isEqualTo(Integer.parseInt(uidLine.split("\\s+")[1]));
    assertThat(proc.startTime(pid)).isPositive();
    assertThat(proc.startTime(pid)).isEqualTo(proc.startTime(pid));
    Path javaBinary = Path.of(ProcessHandle.current().info().command().orElseThrow());
    assertThat(proc.executablePath(pid).toRealPath()).isEqualTo(javaBinary.toRealPath());
    assertThat(proc.cgroups(pid)).isNotEmpty();
  }

  @Test
  void aChildStartedLaterHasALaterOrEqualStartTime() throws Exception {
    ProcFs proc = LinuxProcFs.system();
    Process child = new ProcessBuilder("sleep", "30").start();
    try {
      long mine = proc.startTime((int) ProcessHandle.current().pid());
      assertThat(proc.startTime((int) child.pid())).isGreaterThanOrEqualTo(mine);
    } finally {
      child.destroy();
      child.waitFor();
    }
    assertThatThrownBy(() -> proc.startTime((int) child.pid()))
        .isInstanceOfSatisfying(WorkloadAttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(WorkloadAttestationException.Kind.PROCESS_GONE));
  }
}
