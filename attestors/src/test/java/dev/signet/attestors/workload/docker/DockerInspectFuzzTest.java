package dev.signet.attestors.workload.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Test;
import java.nio.charset.StandardCharsets;
import dev.signet.attestors.workload.FakeProc;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.testing.FuzzSeeds;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the docker workload attestor with the container inspection document a daemon answers (served chunked
 * over a Unix socket by {@link FakeDockerEngine}, so the agent's HTTP client reads it too): either the attestor
 * returns {@code docker:} selectors or refuses with {@link WorkloadAttestationException}; nothing else escapes.
 */
class DockerInspectFuzzTest {
  private static final String ID = "9a3b0c6f1e2d4c5b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291";
  @TempDir static Path temp;
  private static FakeDockerEngine engine;
  private static DockerWorkloadAttestor attestor;

  @BeforeAll
  static void start() throws IOException {
    engine = new FakeDockerEngine(temp.resolve("docker.sock"));
    FakeProc proc = new FakeProc(temp.resolve("proc")).process(42, new int[] {0, 0}, new int[] {0, 0}, List.of(), 1000)
        .cgroup(42, "0::/system.slice/docker-" + ID + ".scope");
    attestor = new DockerWorkloadAttestor(DockerAttestorConfig.from(ConfigSection.of("plugin_data", Map.of(
        "docker_socket_path", "unix://" + engine.socket(), "docker_version", "1.47",
        "env_allowlist", List.of("APP_ENV")))), proc.procFs());
  }

  @AfterAll
  static void stop() throws Exception {
    engine.close();
  }

  @FuzzTest
  void inspect(byte[] json) {
    // Jazzer reads only a byte[] parameter raw, so the seed files stay plain JSON
    engine.container(ID, json == null ? "" : new String(json, StandardCharsets.UTF_8));
    List<Selector> selectors;
    try {
      selectors = attestor.attest(42);
    } catch (WorkloadAttestationException refused) {
      return;
    }
    assertThat(selectors).allSatisfy(selector -> assertThat(selector.type()).isEqualTo("docker"));
  }

  /** The seed document gives its selectors, so the fuzzer starts from the whole path. */
  @Test
  void theSeedDocumentGivesSelectors() throws WorkloadAttestationException {
    engine.container(ID, FuzzSeeds.text(DockerInspectFuzzTest.class, "inspect", "labels-image-env"));
    assertThat(attestor.attest(42)).extracting(Selector::toString).contains("docker:label:app:billing",
        "docker:env:APP_ENV=prod", "docker:container_name:billing-api");
  }
}
