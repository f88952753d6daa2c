package dev.signet.attestors.workload;

import java.util.List;

/**
 * The credentials of a process as {@code /proc/<pid>/status} reports them.
 *
 * @param uids real, effective, saved and filesystem user IDs, in that order
 * @param gids real, effective, saved and filesystem group IDs, in that order
 * @param supplementaryGids the {@code Groups:} line (may be empty)
 */
public record ProcessStatus(int pid, List<Integer> uids, List<Integer> gids, List<Integer> supplementaryGids) {
  public ProcessStatus {
    uids = List.copyOf(uids);
    gids = List.copyOf(gids);
    supplementaryGids = List.copyOf(supplementaryGids);
    if (uids.isEmpty() || gids.isEmpty()) {
      throw new IllegalArgumentException("process " + pid + " status has no Uid or Gid line");
    }
  }

  /** The real user ID. */
  public int realUid() {
    return uids.getFirst();
  }

  /**
   * The effective user ID, which decides what the process may do (and is what SPIRE's {@code unix}
   * attestor reports); the real ID when the kernel reported only one.
   */
  public int effectiveUid() {
    return uids.size() > 1 ? uids.get(1) : uids.getFirst();
  }

  /** The real group ID. */
  public int realGid() {
    return gids.getFirst();
  }

  /** The effective group ID; the real ID when the kernel reported only one. */
  public int effectiveGid() {
    return gids.size() > 1 ? gids.get(1) : gids.getFirst();
  }
}
