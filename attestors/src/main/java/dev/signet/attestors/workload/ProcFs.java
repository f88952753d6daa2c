package dev.signet.attestors.workload;

import java.nio.file.Path;
import java.util.List;

/**
 * The seam between workload attestors (and the Workload API's pid-reuse guard) and the host's process
 * table. The real implementation is {@link LinuxProcFs}; tests point it at a directory laid out like
 * {@code /proc}.
 *
 * <p>Every method throws {@link WorkloadAttestationException} of kind
 * {@link WorkloadAttestationException.Kind#PROCESS_GONE} when the process does not exist, so callers can
 * tell "exited" from "unreadable".
 */
public interface ProcFs {
  /** Uids, gids and supplementary groups from {@code /proc/<pid>/status}. */
  ProcessStatus status(int pid) throws WorkloadAttestationException;

  /**
   * The process start time, field 22 of {@code /proc/<pid>/stat}, in clock ticks since boot. A pid that
   * is reused by a new process gets a different start time, which is what the pid-reuse guard relies on.
   */
  long startTime(int pid) throws WorkloadAttestationException;

  /** The target of {@code /proc/<pid>/exe}: the absolute path of the binary as the process's mount namespace names it. */
  Path executablePath(int pid) throws WorkloadAttestationException;

  /**
   * A path through which the agent can open the process's binary itself ({@code /proc/<pid>/exe}); unlike
   * {@link #executablePath} it works across mount namespaces and for deleted binaries.
   */
  Path executableFile(int pid) throws WorkloadAttestationException;

  /** The lines of {@code /proc/<pid>/cgroup}. */
  List<CgroupEntry> cgroups(int pid) throws WorkloadAttestationException;
}
