package dev.signet.benchmarks;

import dev.signet.attestors.workload.BuiltInWorkloadAttestors;
import dev.signet.attestors.workload.LinuxProcFs;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.plugin.CoreConfig;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.attestors.workload.docker.DockerAttestorConfig;
import dev.signet.attestors.workload.docker.DockerWorkloadAttestor;
import dev.signet.attestors.workload.docker.FakeDockerEngine;
import dev.signet.attestors.workload.k8s.FakeKubelet;
import dev.signet.attestors.workload.k8s.K8sAttestorConfig;
import dev.signet.attestors.workload.k8s.K8sWorkloadAttestor;
import dev.signet.common.bundle.PemCodec;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.PluginBlock;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.testing.TestCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The workload attestor a Workload API load run uses, and what it needs around it: for {@code docker} and
 * {@code k8s}, this JVM is moved into a real cgroup v1 {@code pids} cgroup named like a container's (needs
 * root) and a local Docker daemon or kubelet stand-in answers; {@link #close} undoes both.
 */
final class AttestorEnvironment implements AutoCloseable {
  private static final Path PIDS = Path.of("/sys/fs/cgroup/pids");

  private final WorkloadAttestor attestor;
  private final Selector selector;
  private final List<AutoCloseable> cleanup;

  private AttestorEnvironment(WorkloadAttestor attestor, Selector selector, List<AutoCloseable> cleanup) {
    this.attestor = attestor;
    this.selector = selector;
    this.cleanup = cleanup;
  }

  WorkloadAttestor attestor() {
    return attestor;
  }

  /** A selector the attestor gives this JVM, for the benchmark's registration entry. */
  Selector selector() {
    return selector;
  }

  static AttestorEnvironment create(String mode, Path dir) throws Exception {
    return switch (mode) {
      case "unix" -> unix();
      case "docker" -> docker(dir);
      case "k8s" -> k8s(dir);
      default -> throw new IllegalArgumentException("attestor mode \"" + mode + "\" is not unix, docker or k8s");
    };
  }

  private static AttestorEnvironment unix() throws IOException {
    int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    PluginBlock unix = new PluginBlock(BuiltInWorkloadAttestors.PLUGIN_TYPE, UnixWorkloadAttestor.NAME,
        ConfigSection.of("plugin_data", Map.of()), true, null, null, null, null);
    WorkloadAttestor attestor = BuiltInWorkloadAttestors.CATALOG.configure(List.of(unix),
        new CoreConfig(TrustDomain.parse("example.org"))).getFirst().create(WorkloadAttestorDependencies.system());
    return new AttestorEnvironment(attestor, new Selector("unix", "uid:" + uid),
        List.of());
  }

  private static AttestorEnvironment docker(Path dir) throws Exception {
    String id = randomHex();
    List<AutoCloseable> cleanup = new ArrayList<>();
    FakeDockerEngine engine = new FakeDockerEngine(dir.resolve("docker.sock"));
    cleanup.add(engine);
    engine.container(id, "{\"Id\":\"" + id + "\",\"Name\":\"/bench\",\"Config\":{\"Image\":\"bench:1\","
        + "\"Labels\":{\"app\":\"bench\"},\"Env\":[]}}");
    cleanup.add(joinCgroup(PIDS.resolve("docker").resolve(id)));
    WorkloadAttestor attestor = new DockerWorkloadAttestor(new DockerAttestorConfig(engine.socket(), "", List.of(),
        Set.of(), Duration.ofSeconds(5)), LinuxProcFs.system());
    return new AttestorEnvironment(attestor, new Selector("docker", "label:app:bench"), cleanup);
  }

  private static AttestorEnvironment k8s(Path dir) throws Exception {
    String pod = UUID.randomUUID().toString();
    String container = randomHex();
    TestCertificate.Issued ca = TestCertificate.ca("kubelet.bench")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400)).issue();
    TestCertificate.Issued serving = TestCertificate.leaf("spiffe://kubelet.bench/node", ca).dnsNames("localhost")
        .validity(Instant.now().minusSeconds(60), Instant.now().plusSeconds(86400)).issue();
    Files.writeString(dir.resolve("ca.crt"), PemCodec.encodeCertificate(ca.certificate()));
    Files.writeString(dir.resolve("token"), "bench-token");
    String pods = "{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"bench\",\"namespace\":\"bench\",\"uid\":\""
        + pod + "\"},\"spec\":{\"serviceAccountName\":\"bench\",\"nodeName\":\"node\",\"containers\":[{\"name\":\"b\"}]},"
        + "\"status\":{\"containerStatuses\":[{\"name\":\"b\",\"image\":\"bench:1\",\"containerID\":\"containerd://"
        + container + "\"}]}}]}";
    List<AutoCloseable> cleanup = new ArrayList<>();
    FakeKubelet kubelet = FakeKubelet.secure(serving, "bench-token", null, n -> pods);
    cleanup.add(kubelet);
    cleanup.add(joinCgroup(PIDS.resolve("kubepods").resolve("besteffort").resolve("pod" + pod).resolve(container)));
    K8sAttestorConfig config = K8sAttestorConfig.from(ConfigSection.of("plugin_data", Map.of(
        "kubelet_secure_port", (long) kubelet.port(), "node_name", "localhost",
        "kubelet_ca_path", dir.resolve("ca.crt").toString(), "token_path", dir.resolve("token").toString())));
    return new AttestorEnvironment(new K8sWorkloadAttestor(config, LinuxProcFs.system()),
        new Selector("k8s", "ns:bench"), cleanup);
  }

  /** Moves this JVM into {@code cgroup} (creating it); the returned action moves it back and removes it. */
  private static AutoCloseable joinCgroup(Path cgroup) throws IOException {
    if (!Files.isWritable(PIDS)) {
      throw new IllegalStateException("needs root and a writable cgroup v1 pids hierarchy at " + PIDS);
    }
    Files.createDirectories(cgroup);
    String pid = Long.toString(ProcessHandle.current().pid());
    Files.writeString(cgroup.resolve("cgroup.procs"), pid);
    return () -> {
      Files.writeString(PIDS.resolve("cgroup.procs"), pid);
      for (Path p = cgroup; !p.equals(PIDS); p = p.getParent()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException notEmpty) {
          break; // another run's cgroup lives below a shared parent
        }
      }
    };
  }

  private static String randomHex() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable step : cleanup.reversed()) {
      step.close();
    }
  }
}
