package dev.signet.attestors.workload;

import dev.signet.attestors.workload.docker.DockerWorkloadAttestor;
import dev.signet.attestors.workload.k8s.K8sWorkloadAttestor;
import dev.signet.attestors.workload.systemd.SystemdWorkloadAttestor;
import dev.signet.attestors.workload.unix.UnixWorkloadAttestor;
import dev.signet.common.plugin.Cardinality;
import dev.signet.common.plugin.PluginCatalog;
import java.util.List;

/**
 * The agent's {@code WorkloadAttestor} catalog: the built-ins keyed by SPIRE's plugin names. At least one is
 * configured, each at most once; each yields one attestor.
 */
public final class BuiltInWorkloadAttestors {
  /** The plugin type name in {@code agent.conf}. */
  public static final String PLUGIN_TYPE = "WorkloadAttestor";
  /** The catalog. */
  public static final PluginCatalog<WorkloadAttestorDependencies, WorkloadAttestor> CATALOG = new PluginCatalog<>(
      PLUGIN_TYPE, Cardinality.AT_LEAST_ONE, List.of(UnixWorkloadAttestor.DESCRIPTOR, DockerWorkloadAttestor.DESCRIPTOR,
          SystemdWorkloadAttestor.DESCRIPTOR, K8sWorkloadAttestor.DESCRIPTOR));

  private BuiltInWorkloadAttestors() {}
}
