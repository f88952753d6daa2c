package dev.signet.attestors.workload;

import dev.signet.attestors.workload.docker.DockerAttestorConfig;
import dev.signet.attestors.workload.docker.DockerWorkloadAttestor;
import dev.signet.attestors.workload.k8s.K8sAttestorConfig;
import dev.signet.attestors.workload.k8s.K8sWorkloadAttestor;
import dev.signet.attestors.workload.systemd.SystemdWorkloadAttestor;
import dev.signet.attestors.workload.unix.UnixAttestorConfig;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.config.ConfigException;
import dev.signet.common.config.PluginBlock;
import java.util.Set;

/**
 * The registry of built-in workload attestors, keyed by SPIRE's plugin names. Any number of
 * {@code WorkloadAttestor} blocks may be configured; each yields one attestor.
 */
public final class BuiltInWorkloadAttestors {
  /** The plugin type name in {@code agent.conf}. */
  public static final String PLUGIN_TYPE = "WorkloadAttestor";
  /** Names of the built-ins this build knows. */
  public static final Set<String> NAMES = Set.of(UnixWorkloadAttestor.NAME, DockerWorkloadAttestor.NAME,
      SystemdWorkloadAttestor.NAME, K8sWorkloadAttestor.NAME);

  private final ProcFs proc;
  private final UserDirectory directory;

  public BuiltInWorkloadAttestors(ProcFs proc, UserDirectory directory) {
    this.proc = proc;
    this.directory = directory;
  }

  /** The host's {@code /proc}, {@code /etc/passwd} and {@code /etc/group}. */
  public static BuiltInWorkloadAttestors system() {
    return new BuiltInWorkloadAttestors(LinuxProcFs.system(), EtcUserDirectory.system());
  }

  /** Creates and configures the attestor a {@code WorkloadAttestor "name" { plugin_data {...} }} block names. */
  public WorkloadAttestor create(PluginBlock block) {
    if (!PLUGIN_TYPE.equals(block.type())) {
      throw new ConfigException(block.label() + " is not a " + PLUGIN_TYPE);
    }
    if (block.isExternal()) {
      throw new ConfigException(block.label() + ": external plugins (plugin_cmd) are not supported");
    }
    return switch (block.name()) {
      case UnixWorkloadAttestor.NAME -> new UnixWorkloadAttestor(UnixAttestorConfig.from(block.data()), proc, directory);
      case DockerWorkloadAttestor.NAME -> new DockerWorkloadAttestor(DockerAttestorConfig.from(block.data()), proc);
      case SystemdWorkloadAttestor.NAME -> SystemdWorkloadAttestor.create(block.data(), proc);
      case K8sWorkloadAttestor.NAME -> new K8sWorkloadAttestor(K8sAttestorConfig.from(block.data()), proc);
      default -> throw new ConfigException(block.label() + ": unknown built-in workload attestor (known: "
          + NAMES + ")");
    };
  }
}
