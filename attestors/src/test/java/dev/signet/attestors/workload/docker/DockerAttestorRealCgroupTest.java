package dev.signet.attestors.workload.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.common.spiffe.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process moved into a real cgroup v1 hierarchy whose path carries a container id, as dockerd's
 * cgroupfs driver lays it out ({@code /sys/fs/cgroup/pids/docker/<id>}), attested through the real
 * {@code /proc} against a local daemon speaking the Engine API. Needs root and a writable cgroup v1
 * {@code pids} hierarchy; without them it fails, saying so.
 */
class DockerAttestorRealCgroupTest {
  private static final Path PIDS_HIERARCHY = Path.of("/sys/fs/cgroup/pids");

  @TempDir Path temp;

  @Test
  void aProcessInADockerCgroupIsAttestedAsItsContainer() throws Exception {
    assertThat(Files.isWritable(PIDS_HIERARCHY))
        .as("this test needs root and a writable cgroup v1 pids hierarchy at " + PIDS_HIERARCHY).isTrue();
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String id = HexFormat.of().formatHex(random);
    Path cgroup = PIDS_HIERARCHY.resolve("docker").resolve(id);
    Files.createDirectories(cgroup);
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try (FakeDockerEngine engine = new FakeDockerEngine(temp.resolve("docker.sock"))) {
      engine.container(id, "{\"Id\":\"" + id + "\",\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1.27\","
          + "\"Labels\":{\"app\":\"web\"},\"Env\":[]}}");
      Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
      DockerWorkloadAttestor attestor = new DockerWorkloadAttestor(new DockerAttestorConfig(engine.socket(), "",
          List.of(), Set.of(), Duration.ofSeconds(5)), LinuxProcFs.system());

      List<Selector> selectors = attestor.attest((int) sleeper.pid());

      assertThat(selectors).extracting(Selector::toString).containsExactlyInAnyOrder(
          "docker:label:app:web", "docker:image_id:nginx:1.27", "docker:container_name:web");
      assertThat(attestor.attest((int) ProcessHandle.current().pid())).as("the test itself is in no container")
          .isEmpty();
    } finally {
      sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(cgroup);
    }
  }
}
