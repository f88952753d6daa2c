package dev.signet.attestors.workload.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.CgroupEntry;
import dev.signet.attestors.workload.WorkloadAttestationException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Container and pod discovery from real-world /proc/<pid>/cgroup layouts, and the refusals. */
class ContainerLocatorTest {
  private static final String ID = "9a3b0c6f1e2d4c5b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a291";
  private static final String OTHER = "1111111111111111111111111111111111111111111111111111111111111111";
  private static final String POD = "2ece296c-c5ec-11e7-858e-fa163e451acc";
  private final ContainerLocator standard = new ContainerLocator();

  private static List<CgroupEntry> cgroups(String... lines) {
    return Stream.of(lines).map(CgroupEntry::parse).toList();
  }

  @Test
  void findsTheContainerInEveryRuntimeLayout() throws Exception {
    for (String path : List.of(
        "/docker/" + ID,                                                       // docker, cgroup v1 cgroupfs
        "/system.slice/docker-" + ID + ".scope",                               // docker, systemd driver
        "/kubepods/besteffort/pod" + POD + "/" + ID,                           // kubelet, cgroupfs
        "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_')
            + ".slice/cri-containerd-" + ID + ".scope",                        // containerd, systemd
        "/kubepods.slice/kubepods-pod" + POD.replace('-', '_') + ".slice/crio-" + ID + ".scope", // cri-o
        "/machine.slice/libpod-" + ID + ".scope/container")) {                  // podman
      assertThat(standard.containerId(7, cgroups("0::" + path))).as(path).contains(ID);
      assertThat(standard.containerId(7, cgroups("12:pids:" + path, "4:memory:" + path))).as(path).contains(ID);
    }
  }

  @Test
  void findsThePodUidInCgroupfsAndSystemdNaming() throws Exception {
    assertThat(standard.podUid(7, cgroups("0::/kubepods/besteffort/pod" + POD + "/" + ID))).contains(POD);
    assertThat(standard.podUid(7, cgroups("0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
        + POD.replace('-', '_') + ".slice/cri-containerd-" + ID + ".scope"))).contains(POD);
    assertThat(standard.podUid(7, cgroups("0::/docker/" + ID))).isEmpty();
  }

  @Test
  void aHostProcessOrOneInsideACgroupNamespaceHasNoContainer() throws Exception {
    assertThat(standard.containerId(7, cgroups("0::/user.slice/user-1000.slice/session-2.scope"))).isEmpty();
    assertThat(standard.containerId(7, cgroups("0::/"))).isEmpty();
    assertThat(standard.containerId(7, cgroups("0::/system.slice/containerd.service"))).isEmpty();
  }

  @Test
  void cgroupsNamingTwoContainersAreRefusedNotGuessed() {
    assertThatThrownBy(() -> standard.containerId(7, cgroups("12:pids:/docker/" + ID, "4:memory:/docker/" + OTHER)))
        .isInstanceOf(WorkloadAttestationException.class)
        .hasMessageContaining(ID).hasMessageContaining(OTHER).hasMessageContaining("refusing");
  }

  @Test
  void aRuntimeShapedPathWithAnIdInNoKnownFormatIsAClearError() {
    for (String path : List.of("/docker/not-a-container-id", "/system.slice/docker-abc.scope",
        "/docker/" + ID.substring(1), "/docker/" + ID.toUpperCase(),
        "/kubepods/besteffort/pod" + POD + "/short-id")) {
      assertThatThrownBy(() -> standard.containerId(7, cgroups("0::" + path))).as(path)
          .isInstanceOf(WorkloadAttestationException.class).hasMessageContaining(path)
          .hasMessageContaining("container_id_cgroup_matchers");
    }
  }

  @Test
  void configuredMatchersReplaceTheStandardLayouts() throws Exception {
    ContainerLocator custom = new ContainerLocator(List.of("/my-runtime/*/<id>", "/pods/task-<id>.unit"));
    assertThat(custom.containerId(7, cgroups("0::/my-runtime/tenant-a/abc123"))).contains("abc123");
    assertThat(custom.containerId(7, cgroups("0::/pods/task-xyz.unit"))).contains("xyz");
    assertThat(custom.containerId(7, cgroups("0::/my-runtime/tenant-a/b/abc123"))).as("* is one segment").isEmpty();
    assertThat(custom.containerId(7, cgroups("0::/docker/" + ID))).as("standard layouts are off").isEmpty();
    assertThat(custom.containerId(7, cgroups("0::/my-runtime/x.y/abc"))).as("no regex leaks").contains("abc");
  }

  @Test
  void matchersWithoutExactlyOneIdOrNotAbsoluteAreConfigErrors() {
    for (String bad : List.of("/docker/*", "/a/<id>/<id>", "docker/<id>")) {
      assertThatThrownBy(() -> new ContainerLocator(List.of(bad))).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }
}
