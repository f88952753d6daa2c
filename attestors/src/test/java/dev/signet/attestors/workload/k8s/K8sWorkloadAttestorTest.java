package dev.signet.attestors.workload.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.attestors.workload.FakeProc;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.testing.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The k8s attestor against a kubelet-shaped local server serving real /pods JSON. */
class K8sWorkloadAttestorTest {
  private static final String POD = "2ece296c-c5ec-11e7-858e-fa163e451acc";
  private static final String CID = "bc1eb339399eae78dd1115c765fda84b71ac6a954291b223820cfe775d8af778";
  private static final String TOKEN = "kubelet-token-123";

  @TempDir Path temp;
  private FakeProc proc;
  private TestCertificate.Issued ca;
  private TestCertificate.Issued serving;

  @BeforeEach
  void setUp() throws Exception {
    proc = new FakeProc(temp.resolve("proc")).process(5, new int[] {0, 0}, new int[] {0, 0}, List.of(), 1)
        .cgroup(5, "0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + POD.replace('-', '_')
            + ".slice/cri-containerd-" + CID + ".scope");
    ca = TestCertificate.ca("kubelet.test").validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600))
        .issue();
    serving = TestCertificate.leaf("spiffe://kubelet.test/node", ca).dnsNames("localhost")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).issue();
    Files.writeString(temp.resolve("ca.crt"), PemCodec.encodeCertificate(ca.certificate()));
    Files.writeString(temp.resolve("token"), TOKEN + "\n");
  }

  /** A PodList with our pod; its container status only when {@code withContainer}. */
  private static String pods(boolean withContainer) {
    String status = withContainer ? """
        {"name":"api","image":"registry.example.org/api:2.1","imageID":"registry.example.org/api@sha256:abc",
         "containerID":"containerd://%s"}""".formatted(CID) : "";
    return """
        {"kind":"PodList","apiVersion":"v1","items":[
         {"metadata":{"name":"other","namespace":"kube-system","uid":"00000000-0000-0000-0000-000000000000"},
          "spec":{"serviceAccountName":"x","nodeName":"node-1","containers":[{"name":"x","image":"x"}]},
          "status":{"containerStatuses":[]}},
         {"metadata":{"name":"api-7d9f","namespace":"payments","uid":"%s","labels":{"app":"api"},
           "ownerReferences":[{"kind":"ReplicaSet","name":"api-7d9","uid":"rs-uid-1"}]},
          "spec":{"serviceAccountName":"api-sa","nodeName":"node-1","containers":[{"name":"api","image":"x"}],
           "initContainers":[{"name":"migrate","image":"y"}]},
          "status":{"containerStatuses":[%s],
           "initContainerStatuses":[{"name":"migrate","image":"registry.example.org/migrate:1","imageID":"",
            "containerID":"containerd://1111111111111111111111111111111111111111111111111111111111111111"}]}}]}"""
        .formatted(POD, status);
  }

  private K8sWorkloadAttestor attestor(FakeKubelet kubelet, Map<String, Object> extra) {
    Map<String, Object> data = new HashMap<>(Map.of("kubelet_secure_port", kubelet.port(), "node_name", "localhost",
        "kubelet_ca_path", temp.resolve("ca.crt").toString(), "token_path", temp.resolve("token").toString(),
        "poll_retry_interval", "10ms", "max_poll_attempts", 5));
    data.putAll(extra);
    data.replaceAll((key, value) -> value instanceof Integer i ? Long.valueOf(i) : value); // HCL numbers are longs
    return new K8sWorkloadAttestor(K8sAttestorConfig.from(ConfigSection.of("plugin_data", data)), proc.procFs());
  }

  private static List<String> strings(List<Selector> selectors) {
    return selectors.stream().map(Selector::toString).toList();
  }

  @Test
  void podAndContainerSelectorsOverTheVerifiedSecurePortWithTheToken() throws Exception {
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, TOKEN, null, n -> pods(true))) {
      assertThat(strings(attestor(kubelet, Map.of()).attest(5))).containsExactlyInAnyOrder(
          "k8s:ns:payments", "k8s:sa:api-sa", "k8s:pod-name:api-7d9f", "k8s:pod-uid:" + POD,
          "k8s:node-name:node-1", "k8s:pod-label:app:api", "k8s:pod-owner:ReplicaSet:api-7d9",
          "k8s:pod-owner-uid:ReplicaSet:rs-uid-1", "k8s:pod-image:registry.example.org/api:2.1",
          "k8s:pod-image:registry.example.org/api@sha256:abc", "k8s:pod-image-count:1",
          "k8s:pod-init-image:registry.example.org/migrate:1", "k8s:pod-init-image-count:1",
          "k8s:container-name:api", "k8s:container-image:registry.example.org/api:2.1",
          "k8s:container-image:registry.example.org/api@sha256:abc");
    }
  }

  @Test
  void aContainerIdWithoutARuntimeSchemeStillMatches() throws Exception {
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, TOKEN, null, n -> pods(true).replace("containerd://", ""))) {
      assertThat(strings(attestor(kubelet, Map.of()).attest(5))).contains("k8s:container-name:api");
    }
  }

  @Test
  void aJustStartedContainerIsWaitedForAndTheListIsThenCached() throws Exception {
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, TOKEN, null, n -> pods(n >= 3))) {
      K8sWorkloadAttestor attestor = attestor(kubelet, Map.of("pod_list_cache_ttl", "1m"));
      assertThat(strings(attestor.attest(5))).contains("k8s:container-name:api");
      assertThat(kubelet.requests.get()).isEqualTo(3);
      attestor.attest(5);
      assertThat(kubelet.requests.get()).as("answered from the cached pod list").isEqualTo(3);
    }
  }

  @Test
  void aContainerNeverListedIsRefusedAfterMaxPollAttempts() throws Exception {
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, TOKEN, null, n -> pods(false))) {
      assertThatThrownBy(() -> attestor(kubelet, Map.of()).attest(5)).isInstanceOf(WorkloadAttestationException.class)
          .satisfies(e -> assertThat(((WorkloadAttestationException) e).kind())
              .isEqualTo(WorkloadAttestationException.Kind.REFUSED))
          .hasMessageContaining(POD).hasMessageContaining("5 attempts");
      assertThat(kubelet.requests.get()).isEqualTo(5);
    }
  }

  @Test
  void aWrongTokenOrAnUntrustedKubeletIsUnavailableAndSkipVerificationIsExplicit() throws Exception {
    TestCertificate.Issued otherCa = TestCertificate.ca("evil.test")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).issue();
    TestCertificate.Issued impostor = TestCertificate.leaf("spiffe://evil.test/node", otherCa).dnsNames("localhost")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).issue();
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, "another-token", null, n -> pods(true))) {
      assertThatThrownBy(() -> attestor(kubelet, Map.of()).attest(5)).hasMessageContaining("401");
    }
    try (FakeKubelet kubelet = FakeKubelet.secure(impostor, TOKEN, null, n -> pods(true))) {
      assertThatThrownBy(() -> attestor(kubelet, Map.of()).attest(5)).isInstanceOf(WorkloadAttestationException.class)
          .hasMessageContaining("cannot reach the kubelet");
      assertThat(kubelet.requests.get()).as("no request reached the impostor").isZero();
      assertThat(strings(attestor(kubelet, Map.of("skip_kubelet_verification", true)).attest(5)))
          .contains("k8s:ns:payments");
    }
  }

  @Test
  void clientCertificateAuthenticationAndTheReadOnlyPort() throws Exception {
    TestCertificate.Issued clientCa = TestCertificate.ca("clients.test")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).issue();
    TestCertificate.Issued client = TestCertificate.leaf("spiffe://clients.test/agent", clientCa)
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600)).issue();
    Files.writeString(temp.resolve("client.crt"), PemCodec.encodeCertificate(client.certificate()));
    Files.writeString(temp.resolve("client.key"), PemCodec.encodePrivateKey(client.keyPair().getPrivate()));
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, null, clientCa, n -> pods(true))) {
      assertThat(strings(attestor(kubelet, Map.of("certificate_path", temp.resolve("client.crt").toString(),
          "private_key_path", temp.resolve("client.key").toString())).attest(5))).contains("k8s:sa:api-sa");
      assertThatThrownBy(() -> attestor(kubelet, Map.of()).attest(5)).as("no client certificate")
          .isInstanceOf(WorkloadAttestationException.class);
    }
    try (FakeKubelet kubelet = FakeKubelet.readOnly(n -> pods(true))) {
      assertThat(strings(attestor(kubelet, Map.of("kubelet_read_only_port", kubelet.port(),
          "disable_container_selectors", true)).attest(5)))
          .contains("k8s:pod-uid:" + POD).noneMatch(s -> s.startsWith("k8s:container-"));
    }
  }

  @Test
  void aProcessOutsideAnyPodGetsNoSelectorsAndBadConfigIsRefused() throws Exception {
    proc.cgroup(5, "0::/system.slice/sshd.service");
    try (FakeKubelet kubelet = FakeKubelet.secure(serving, TOKEN, null, n -> pods(true))) {
      assertThat(attestor(kubelet, Map.of()).attest(5)).isEmpty();
      assertThat(kubelet.requests.get()).isZero();
      assertThatThrownBy(() -> attestor(kubelet, Map.of("certificate_path", "/x.crt")))
          .isInstanceOf(ConfigException.class).hasMessageContaining("private_key_path");
      assertThatThrownBy(() -> attestor(kubelet, Map.of("kubelet_secure_port", 70000)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("70000");
      assertThatThrownBy(() -> attestor(kubelet, Map.of("kubelet_typo", 1)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("kubelet_typo");
    }
  }
}
