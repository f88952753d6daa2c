package dev.signet.attestors.workload.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
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
 * Fuzzes the k8s workload attestor with the pod list a kubelet answers ({@code GET /pods} on the read-only port of
 * {@link FakeKubelet}): for a process in pod {@code POD}, container {@code CID}, the attestor either returns
 * {@code k8s:} selectors or refuses with {@link WorkloadAttestationException}; nothing else escapes.
 */
class KubeletPodsFuzzTest {
  private static final String POD = "2ece296c-c5ec-11e7-858e-fa163e451acc";
  private static final String CID = "bc1eb339399eae78dd1115c765fda84b71ac6a954291b223820cfe775d8af778";
  private static volatile String podList = "";
  @TempDir static Path temp;
  private static FakeKubelet kubelet;
  private static FakeProc proc;
  private static K8sAttestorConfig config;

  @BeforeAll
  static void start() throws IOException {
    proc = new FakeProc(temp.resolve("proc")).process(5, new int[] {0, 0}, new int[] {0, 0}, List.of(), 1)
        .cgroup(5, "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_')
            + ".slice/cri-containerd-" + CID + ".scope");
    kubelet = FakeKubelet.readOnly(attempt -> podList);
    config = K8sAttestorConfig.from(ConfigSection.of("plugin_data", Map.of("kubelet_read_only_port",
        (long) kubelet.port(), "node_name", "localhost", "max_poll_attempts", 1L)));
  }

  @AfterAll
  static void stop() throws IOException {
    kubelet.close();
  }

  @FuzzTest
  void pods(byte[] json) {
    // Jazzer reads only a byte[] parameter raw, so the seed files stay plain JSON
    podList = json == null ? "" : new String(json, StandardCharsets.UTF_8);
    List<Selector> selectors;
    // the attestor connects where its config says, never where the input says: not the SSRF Jazzer looks for
    // (allowed here rather than in start(): Jazzer's agent is loaded only once the fuzz test runs)
    try (SilentCloseable allowed = BugDetectors.allowNetworkConnections((host, port) -> port == kubelet.port())) {
      selectors = new K8sWorkloadAttestor(config, proc.procFs()).attest(5);
    } catch (WorkloadAttestationException refused) {
      return;
    }
    assertThat(selectors).isNotEmpty().allSatisfy(selector -> assertThat(selector.type()).isEqualTo("k8s"));
  }

  /** The seed pod list gives the pod's selectors, so the fuzzer starts from the whole path. */
  @Test
  void theSeedPodListGivesSelectors() throws WorkloadAttestationException {
    podList = FuzzSeeds.text(KubeletPodsFuzzTest.class, "pods", "pod-with-container");
    assertThat(new K8sWorkloadAttestor(config, proc.procFs()).attest(5)).extracting(Selector::toString)
        .contains("k8s:sa:api-sa", "k8s:ns:payments");
  }
}
