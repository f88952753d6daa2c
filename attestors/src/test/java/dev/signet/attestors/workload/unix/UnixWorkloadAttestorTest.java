package dev.signet.attestors.workload.unix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.EtcUserDirectory;
import dev.signet.attestors.workload.FakeProc;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.UserDirectory;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixWorkloadAttestorTest {
  private static final int PID = 321;
  private static final UserDirectory NAMES = new UserDirectory() {
    @Override
    public Optional<String> userName(int uid) {
      return Optional.ofNullable(Map.of(1001, "alice").get(uid));
    }

    @Override
    public Optional<String> groupName(int gid) {
      return Optional.ofNullable(Map.of(2001, "staff", 10, "wheel").get(gid));
    }
  };

  @TempDir Path temp;
  private FakeProc fake;
  private Path binary;

  @BeforeEach
  void setUp() throws Exception {
    binary = Files.writeString(temp.resolve("server"), "#!/bin/true\nsome binary bytes\n");
    fake = new FakeProc(temp.resolve("proc"))
        .process(PID, new int[] {1000, 1001}, new int[] {2000, 2001}, List.of(10, 20), 777)
        .exe(PID, binary);
  }

  private List<String> attest(UnixAttestorConfig config) throws WorkloadAttestationException {
    return new UnixWorkloadAttestor(config, fake.procFs(), NAMES).attest(PID).stream().map(Selector::toString).toList();
  }

  @Test
  void effectiveIdsNamesAndSupplementaryGroups() throws Exception {
    assertThat(attest(UnixAttestorConfig.DEFAULT)).containsExactly(
        "unix:uid:1001", "unix:user:alice", "unix:gid:2001", "unix:group:staff",
        "unix:supplementary_gid:10", "unix:supplementary_group:wheel", "unix:supplementary_gid:20");
  }

  @Test
  void pathAndSha256WhenDiscoveryIsOn() throws Exception {
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(binary)));
    assertThat(attest(new UnixAttestorConfig(true, 0)))
        .contains("unix:path:" + binary, "unix:sha256:" + expected);
    assertThat(attest(new UnixAttestorConfig(true, Files.size(binary))))
        .contains("unix:sha256:" + expected);
  }

  @Test
  void negativeLimitGivesPathButNeverHashes() throws Exception {
    assertThat(attest(new UnixAttestorConfig(true, -1)))
        .contains("unix:path:" + binary)
        .noneMatch(s -> s.startsWith("unix:sha256:"));
  }

  @Test
  void binaryOverTheSizeLimitIsRefused() throws Exception {
    long size = Files.size(binary);
    assertThatThrownBy(() -> attest(new UnixAttestorConfig(true, size - 1)))
        .isInstanceOfSatisfying(WorkloadAttestationException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED))
        .hasMessageStartingWith("unix: binary ")
        .hasMessageContaining("is " + size + " bytes, over the workload_size_limit of " + (size - 1) + " bytes");
  }

  @Test
  void missingPidIsAClearError() {
    var attestor = new UnixWorkloadAttestor(UnixAttestorConfig.DEFAULT, fake.procFs(), NAMES);
    assertThatThrownBy(() -> attestor.attest(999_999))
        .isInstanceOfSatisfying(WorkloadAttestationException.class,
            e -> assertThat(e.kind()).isEqualTo(Kind.PROCESS_GONE))
        .hasMessage("unix: process 999999 does not exist");
  }

  @Test
  void realProcForThisJvm() throws Exception {
    int pid = (int) ProcessHandle.current().pid();
    var attestor = new UnixWorkloadAttestor(new UnixAttestorConfig(true, 0), LinuxProcFs.system(),
        EtcUserDirectory.system());
    List<String> selectors = attestor.attest(pid).stream().map(Selector::toString).toList();
    String uidLine = Files.readAllLines(Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
    String effectiveUid = uidLine.split("\\s+")[2];
    assertThat(selectors).contains("unix:uid:" + effectiveUid);
    assertThat(selectors).anyMatch(s -> s.startsWith("unix:gid:"));
    Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath();
    assertThat(selectors).contains("unix:path:" + java);
    assertThat(selectors).anyMatch(s -> s.matches("unix:sha256:[0-9a-f]{64}"));
  }

  @Test
  void configReadsSpireKeysAndRejectsUnknownOnes() {
    assertThat(UnixAttestorConfig.from(ConfigSection.of("plugin_data", Map.of())))
        .isEqualTo(UnixAttestorConfig.DEFAULT);
    assertThat(UnixAttestorConfig.from(ConfigSection.of("plugin_data",
        Map.of("discover_workload_path", true, "workload_size_limit", 1024L))))
        .isEqualTo(new UnixAttestorConfig(true, 1024));
    assertThatThrownBy(() -> UnixAttestorConfig.from(ConfigSection.of("plugin_data", Map.of("discover_path", true))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("discover_path");
  }
}
