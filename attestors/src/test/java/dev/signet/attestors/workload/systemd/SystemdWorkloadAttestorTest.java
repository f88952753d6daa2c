package dev.signet.attestors.workload.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.FakeProc;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Units from cgroup v2 and v1 layouts, fragment paths from the unit search path, and what gives nothing. */
class SystemdWorkloadAttestorTest {
  @TempDir Path temp;
  private FakeProc proc;
  private Path etc;
  private Path lib;
  private SystemdWorkloadAttestor attestor;

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(temp.resolve("proc")).process(9, new int[] {0, 0}, new int[] {0, 0}, List.of(), 1);
    etc = Files.createDirectories(temp.resolve("etc"));
    lib = Files.createDirectories(temp.resolve("lib"));
    Files.writeString(lib.resolve("billing.service"), "[Service]\n");
    Files.writeString(etc.resolve("billing.service"), "[Service]\n");
    Files.writeString(lib.resolve("worker@.service"), "[Service]\n");
    attestor = new SystemdWorkloadAttestor(proc.procFs(), List.of(etc, lib));
  }

  private List<String> attest(String... cgroupLines) throws Exception {
    proc.cgroup(9, cgroupLines);
    return attestor.attest(9).stream().map(Selector::toString).toList();
  }

  @Test
  void aServiceGetsItsIdAndTheUnitFileThatWins() throws Exception {
    assertThat(attest("0::/system.slice/billing.service")).containsExactly("systemd:id:billing.service",
        "systemd:fragment_path:" + etc.resolve("billing.service"));
    assertThat(attest("12:pids:/system.slice/billing.service", "1:name=systemd:/system.slice/billing.service"))
        .containsExactly("systemd:id:billing.service", "systemd:fragment_path:" + etc.resolve("billing.service"));
  }

  @Test
  void templateInstancesResolveToTheirTemplate() throws Exception {
    assertThat(attest("0::/system.slice/system-worker.slice/worker@3.service")).containsExactly(
        "systemd:id:worker@3.service", "systemd:fragment_path:" + lib.resolve("worker@.service"));
  }

  @Test
  void aUnitWithoutAFileStillHasItsId() throws Exception {
    assertThat(attest("0::/system.slice/docker-abc.scope")).containsExactly("systemd:id:docker-abc.scope");
  }

  @Test
  void sessionsSlicesAndTheRootNameNoService() throws Exception {
    assertThat(attest("0::/user.slice/user-1000.slice/session-4.scope")).isEmpty();
    assertThat(attest("0::/system.slice")).isEmpty();
    assertThat(attest("0::/")).isEmpty();
    assertThat(attest("4:memory:/system.slice/billing.service")).as("no systemd-managed hierarchy").isEmpty();
  }

  @Test
  void unknownPluginDataKeysAreRefused() {
    assertThatThrownBy(() -> SystemdWorkloadAttestor.create(ConfigSection.of("plugin_data", Map.of("x", 1)),
        proc.procFs())).isInstanceOf(ConfigException.class).hasMessageContaining("x");
  }
}
