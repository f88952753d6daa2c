package dev.signet.attestors.workload;

import java.util.Optional;

/**
 * Names for user and group IDs: the seam over {@code /etc/passwd} and {@code /etc/group}
 * ({@link EtcUserDirectory}). An unknown ID has no name; it is not an error, since a workload may run
 * under an ID that has no account (a container's, for instance).
 */
public interface UserDirectory {
  Optional<String> userName(int uid);

  Optional<String> groupName(int gid);
}
