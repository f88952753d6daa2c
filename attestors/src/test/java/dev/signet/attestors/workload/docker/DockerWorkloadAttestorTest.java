package dev.signet.attestors.workload.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.FakeProc;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The docker attestor against a local daemon speaking the Engine API on a Unix socket. */
class DockerWorkloadAttestorTest {
  private static final String ID = "9a3b0c6f1e2d4c5b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291";
  private static final String INSPECT = """
      {"Id":"%s","Name":"/billing-api","Image":"sha256:77af4d6b9913e693e8d0b4b294fa62ade6054e6b2f1ffb617ac955dd63fb0182",
       "Config":{"Image":"registry.example.org/billing:1.4","Labels":{"app":"billing","tier":"backend"},
       "Env":["PATH=/usr/bin","APP_ENV=prod","DB_PASSWORD=hunter2"]}}""".formatted(ID);

  @TempDir Path temp;
  private FakeDockerEngine engine;
  private FakeProc proc;

  @BeforeEach
  void start() throws Exception {
    engine = new FakeDockerEngine(temp.resolve("docker.sock"));
    engine.container(ID, INSPECT);
    proc = new FakeProc(temp.resolve("proc")).process(42, new int[] {0, 0}, new int[] {0, 0}, List.of(), 1000)
        .cgroup(42, "0::/system.slice/docker-" + ID + ".scope");
  }

  @AfterEach
  void stop() throws Exception {
    engine.close();
  }

  private DockerWorkloadAttestor attestor(Map<String, Object> pluginData) {
    Map<String, Object> data = new java.util.HashMap<>(pluginData);
    data.putIfAbsent("docker_socket_path", "unix://" + engine.socket());
    return new DockerWorkloadAttestor(DockerAttestorConfig.from(ConfigSection.of("plugin_data", data)),
        proc.procFs());
  }

  @Test
  void containerSelectorsAsSpireMakesThemWithOnlyAllowlistedEnvironment() throws Exception {
    List<Selector> selectors = attestor(Map.of("env_allowlist", List.of("APP_ENV"))).attest(42);
    assertThat(selectors).extracting(Selector::toString).containsExactlyInAnyOrder(
        "docker:label:app:billing", "docker:label:tier:backend",
        "docker:image_id:registry.example.org/billing:1.4", "docker:env:APP_ENV=prod",
        "docker:container_name:billing-api");
    assertThat(selectors.toString()).doesNotContain("hunter2");
    assertThat(engine.requests).containsExactly("/version", "/v1.47/containers/" + ID + "/json");
  }

  @Test
  void theApiVersionIsNegotiatedOnceOrTakenFromTheConfig() throws Exception {
    DockerWorkloadAttestor negotiating = attestor(Map.of());
    negotiating.attest(42);
    negotiating.attest(42);
    assertThat(engine.requests).containsExactly("/version", "/v1.47/containers/" + ID + "/json",
        "/v1.47/containers/" + ID + "/json");
    engine.requests.clear();
    engine.chunked = false;
    attestor(Map.of("docker_version", "1.41")).attest(42);
    assertThat(engine.requests).containsExactly("/v1.41/containers/" + ID + "/json");
  }

  @Test
  void aProcessOutsideAnyContainerGetsNoSelectorsAndNoDaemonCall() throws Exception {
    proc.cgroup(42, "0::/user.slice/user-0.slice/session-1.scope");
    assertThat(attestor(Map.of()).attest(42)).isEmpty();
    assertThat(engine.requests).isEmpty();
  }

  @Test
  void aContainerTheDaemonDoesNotKnowIsRefused() {
    String unknown = "f".repeat(64);
    proc.cgroup(42, "12:pids:/docker/" + unknown, "1:name=systemd:/docker/" + unknown);
    assertThatThrownBy(() -> attestor(Map.of()).attest(42)).isInstanceOf(WorkloadAttestationException.class)
        .satisfies(e -> assertThat(((WorkloadAttestationException) e).kind())
            .isEqualTo(WorkloadAttestationException.Kind.REFUSED))
        .hasMessageContaining(unknown);
  }

  @Test
  void anUnreachableOrSlowDaemonIsUnavailableNamingTheSocket() throws Exception {
    engine.hanging = true;
    DockerWorkloadAttestor slow = new DockerWorkloadAttestor(new DockerAttestorConfig(engine.socket(), "1.47",
        List.of(), Set.of(), Duration.ofMillis(300)), proc.procFs());
    assertThatThrownBy(() -> slow.attest(42)).isInstanceOf(WorkloadAttestationException.class)
        .satisfies(e -> assertThat(((WorkloadAttestationException) e).kind())
            .isEqualTo(WorkloadAttestationException.Kind.UNAVAILABLE))
        .hasMessageContaining(engine.socket().toString());
    engine.close();
    assertThatThrownBy(() -> attestor(Map.of("docker_version", "1.47")).attest(42))
        .isInstanceOf(WorkloadAttestationException.class).hasMessageContaining("did not answer");
  }

  @Test
  void badConfigurationIsRefusedByName() {
    assertThatThrownBy(() -> attestor(Map.of("docker_socket_path", "tcp://127.0.0.1:2375")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tcp://127.0.0.1:2375");
    assertThatThrownBy(() -> attestor(Map.of("docker_version", "latest")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("latest");
    assertThatThrownBy(() -> attestor(Map.of("dockr_version", "1.41")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("dockr_version");
  }
}
