package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.attestors.workload.docker.FakeDockerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The built agent with {@code WorkloadAttestor "docker"}: a workload process that runs in a real cgroup v1
 * cgroup named like a Docker container's gets the identity registered for the container's label, through
 * a local daemon speaking the Engine API; the same binary outside the container does not. Needs root and a
 * writable cgroup v1 pids hierarchy, and fails saying so without them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ContainerWorkloadEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");
  private static final String NODE = SignetServer.id("/node/containers");
  private static final String CONTAINER_WORKLOAD = SignetServer.id("/workload/billing-container");

  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;
  private FakeDockerEngine docker;
  private Path cgroup;

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @BeforeAll
  void start() throws Exception {
    assertThat(Files.isWritable(PIDS)).as("needs root and a writable cgroup v1 pids hierarchy at " + PIDS).isTrue();
    byte[] random = new byte[32];
    ThreadLocalRandom.current().nextBytes(random);
    String containerId = HexFormat.of().formatHex(random);
    cgroup = Files.createDirectories(PIDS.resolve("docker").resolve(containerId));
    workspace = new Workspace("containers");
    docker = new FakeDockerEngine(workspace.path("docker.sock"));
    docker.container(containerId, "{\"Id\":\"" + containerId + "\",\"Name\":\"/billing\",\"Config\":{"
        + "\"Image\":\"billing:3\",\"Labels\":{\"app\":\"billing\"},\"Env\":[]}}");
    server = new SignetServer(workspace).start();
    server.createEntryOverGrpc(NODE, CONTAINER_WORKLOAD, "docker:label:app:billing");
    agent = new SignetAgent(workspace, server, "a").withPlugins("""
        WorkloadAttestor "docker" {
            plugin_data {
                docker_socket_path = "unix://%s"
            }
        }""".formatted(docker.socket())).attestAndStart(NODE);
  }

  @AfterAll
  void stop() throws Exception {
    if (workspace != null) {
      workspace.close();
    }
    if (docker != null) {
      docker.close();
    }
    if (cgroup != null) {
      Files.deleteIfExists(cgroup);
    }
  }

  @Test
  void aProcessInTheContainersCgroupGetsTheContainersIdentityAndOneOutsideDoesNot() {
    String fetch = Distribution.get().agentBin() + " api fetch x509 -socketPath " + agent.socket();
    CommandResult inside = Poll.value("the container workload's SVID", Duration.ofSeconds(30), () -> {
      CommandResult result = Distribution.run(Duration.ofSeconds(60),
          List.of("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec " + fetch));
      return result.ok() && result.stdout().contains(CONTAINER_WORKLOAD) ? Optional.of(result) : Optional.empty();
    });
    assertThat(inside.stdout()).contains("SPIFFE ID:\t\t" + CONTAINER_WORKLOAD);

    CommandResult outside = agent.fetchX509(null);
    assertThat(outside.output()).doesNotContain(CONTAINER_WORKLOAD);
    assertThat(docker.requests).anyMatch(path -> path.endsWith("/containers/" + cgroup.getFileName() + "/json"));
  }
}
