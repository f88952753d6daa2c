package dev.signet.agent.workload;

import dev.signet.attestors.workload.CgroupEntry;
import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.ProcessStatus;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A process table driven by a map; tests replace entries to simulate exits and pid reuse. */
final class FakeProcFs implements ProcFs {
  record Proc(long startTime, int uid, int gid) {}

  final Map<Integer, Proc> processes = new ConcurrentHashMap<>();

  private Proc get(int pid) throws WorkloadAttestationException {
    Proc proc = processes.get(pid);
    if (proc == null) {
      throw new WorkloadAttestationException(Kind.PROCESS_GONE, "process " + pid + " does not exist");
    }
    return proc;
  }

  @Override
  public ProcessStatus status(int pid) throws WorkloadAttestationException {
    Proc proc = get(pid);
    return new ProcessStatus(pid, List.of(proc.uid(), proc.uid()), List.of(proc.gid(), proc.gid()), List.of());
  }

  @Override
  public long startTime(int pid) throws WorkloadAttestationException {
    return get(pid).startTime();
  }

  @Override
  public Path executablePath(int pid) throws WorkloadAttestationException {
    get(pid);
    return Path.of("/usr/bin/fake");
  }

  @Override
  public Path executableFile(int pid) throws WorkloadAttestationException {
    get(pid);
    return Path.of("/proc/" + pid + "/exe");
  }

  @Override
  public List<CgroupEntry> cgroups(int pid) throws WorkloadAttestationException {
    get(pid);
    return List.of();
  }
}
