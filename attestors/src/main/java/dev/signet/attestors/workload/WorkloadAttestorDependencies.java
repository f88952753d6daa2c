package dev.signet.attestors.workload;

import java.util.Objects;

/**
 * What the built-in workload attestors need from the agent to be created.
 *
 * @param proc the host's {@code /proc}
 * @param directory user and group names ({@code /etc/passwd}, {@code /etc/group})
 */
public record WorkloadAttestorDependencies(ProcFs proc, UserDirectory directory) {
  public WorkloadAttestorDependencies {
    Objects.requireNonNull(proc, "proc");
    Objects.requireNonNull(directory, "user directory");
  }

  /** The host's {@code /proc}, {@code /etc/passwd} and {@code /etc/group}. */
  public static WorkloadAttestorDependencies system() {
    return new WorkloadAttestorDependencies(LinuxProcFs.system(), EtcUserDirectory.system());
  }
}
