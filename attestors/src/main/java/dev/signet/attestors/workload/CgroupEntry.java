package dev.signet.attestors.workload;

import java.util.List;

/**
 * One line of {@code /proc/<pid>/cgroup}: {@code hierarchy-id:controller-list:path}. On cgroup v2 there is
 * a single line {@code 0::/path} whose controller list is empty.
 */
public record CgroupEntry(int hierarchyId, List<String> controllers, String path) {
  public CgroupEntry {
    controllers = List.copyOf(controllers);
  }

  /** Parses one line; throws {@link IllegalArgumentException} quoting it when it has not three fields. */
  public static CgroupEntry parse(String line) {
    int first = line.indexOf(':');
    int second = first < 0 ? -1 : line.indexOf(':', first + 1);
    if (first <= 0 || second < 0) {
      throw new IllegalArgumentException("cgroup line \"" + line + "\" is not hierarchy:controllers:path");
    }
    int id;
    try {
      id = Integer.parseInt(line.substring(0, first));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("cgroup line \"" + line + "\" has a non-numeric hierarchy id", e);
    }
    String controllerList = line.substring(first + 1, second);
    List<String> controllers = controllerList.isEmpty() ? List.of() : List.of(controllerList.split(","));
    return new CgroupEntry(id, controllers, line.substring(second + 1));
  }
}
