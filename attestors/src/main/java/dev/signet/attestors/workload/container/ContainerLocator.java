package dev.signet.attestors.workload.container;

import dev.signet.attestors.workload.CgroupEntry;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container and the Kubernetes pod a process runs in from its {@code /proc/<pid>/cgroup}
 * lines. It understands cgroup v1 and v2 paths and the cgroupfs and systemd naming of Docker,
 * containerd, CRI-O and Podman ({@code /docker/<id>}, {@code docker-<id>.scope},
 * {@code cri-containerd-<id>.scope}, {@code crio-<id>.scope}, {@code libpod-<id>.scope}, and
 * {@code kubepods…/pod<uid>/<id>} or {@code kubepods-…-pod<uid>.slice}).
 *
 * <p>Security: a process is given a container identity only when every cgroup line that names a
 * container names the same one. Lines that disagree (a process moved between containers' cgroups by
 * hand, nested runtimes) make the lookup fail; they never pick one. A process inside a cgroup namespace
 * sees its own cgroup as {@code /}, which names no container: such a process gets no container selectors.
 */
public final class ContainerLocator {
  /** A container ID as the runtimes write it in a path segment, with the runtimes' prefixes and suffix. */
  private static final Pattern CONTAINER_SEGMENT = Pattern.compile(
      "(?:docker-|cri-containerd-|crio-|libpod-|containerd-)?([0-9a-f]{64})(?:\\.scope)?");
  /** A pod UID in a kubepods segment, with '-' (cgroupfs) or '_' (systemd slices) between its groups. */
  private static final Pattern POD_SEGMENT = Pattern.compile(
      ".*pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\\.slice)?");

  /** A path segment a container runtime made: its prefixes, or its parent directory under cgroupfs. */
  private static final Pattern RUNTIME_HINT = Pattern.compile(
      "/(?:docker-|cri-containerd-|crio-|libpod-)[^/]*\\.scope(?:/|$)|/docker/[^/]+|/kubepods[^/]*/(?:[^/]+/)*pod[^/]+/[^/]+");

  private final List<Pattern> matchers;

  /** The runtimes' standard layouts. */
  public ContainerLocator() {
    this(List.of());
  }

  /**
   * With SPIRE's {@code container_id_cgroup_matchers} instead of the standard layouts: each pattern is a
   * cgroup path in which {@code *} stands for one path segment and {@code <id>} for the container ID.
   *
   * @throws IllegalArgumentException naming a pattern without exactly one {@code <id>}
   */
  public ContainerLocator(List<String> cgroupMatchers) {
    this.matchers = cgroupMatchers.stream().map(ContainerLocator::compile).toList();
  }

  /**
   * The process's container ID; empty when its cgroups name none.
   *
   * @throws WorkloadAttestationException REFUSED when the cgroups name different containers, or when a
   *     path looks like a container runtime's (a runtime's prefix or directory) in a shape not understood
   */
  public Optional<String> containerId(int pid, List<CgroupEntry> cgroups) throws WorkloadAttestationException {
    Set<String> found = new LinkedHashSet<>();
    for (CgroupEntry entry : cgroups) {
      Optional<String> id = containerIdIn(entry.path());
      if (id.isPresent()) {
        found.add(id.get());
      } else if (matchers.isEmpty() && RUNTIME_HINT.matcher(entry.path()).find()) {
        throw new WorkloadAttestationException(Kind.REFUSED, "process " + pid + ": cgroup path \"" + entry.path()
            + "\" looks like a container's but its container id is in no known format; set"
            + " container_id_cgroup_matchers to describe it");
      }
    }
    return single(pid, "container ids", found);
  }

  /** The UID of the Kubernetes pod the process runs in, with '-' separators; empty outside a pod. */
  public Optional<String> podUid(int pid, List<CgroupEntry> cgroups) throws WorkloadAttestationException {
    Set<String> found = new LinkedHashSet<>();
    for (CgroupEntry entry : cgroups) {
      if (!entry.path().contains("kubepods")) {
        continue;
      }
      for (String segment : entry.path().split("/")) {
        Matcher pod = POD_SEGMENT.matcher(segment);
        if (pod.matches()) {
          found.add(pod.group(1).replace('_', '-'));
        }
      }
    }
    return single(pid, "pod uids", found);
  }

  private Optional<String> containerIdIn(String path) {
    if (!matchers.isEmpty()) {
      for (Pattern matcher : matchers) {
        Matcher match = matcher.matcher(path);
        if (match.matches()) {
          return Optional.of(match.group(1));
        }
      }
      return Optional.empty();
    }
    String[] segments = path.split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      Matcher container = CONTAINER_SEGMENT.matcher(segments[i]);
      if (container.matches()) {
        return Optional.of(container.group(1));
      }
    }
    return Optional.empty();
  }

  private static Optional<String> single(int pid, String what, Set<String> found) throws WorkloadAttestationException {
    if (found.size() > 1) {
      throw new WorkloadAttestationException(Kind.REFUSED,
          "process " + pid + ": its cgroups name different " + what + " " + found + "; refusing to choose");
    }
    return found.stream().findFirst();
  }

  private static Pattern compile(String matcher) {
    if (!matcher.startsWith("/")) {
      throw new IllegalArgumentException("container_id_cgroup_matchers entry \"" + matcher
          + "\" must be an absolute cgroup path");
    }
    StringBuilder regex = new StringBuilder();
    int ids = 0;
    for (String segment : matcher.substring(1).split("/", -1)) {
      regex.append('/');
      int id = segment.indexOf("<id>");
      if (segment.equals("*")) {
        regex.append("[^/]+");
      } else if (id >= 0) {
        ids++;
        regex.append(Pattern.quote(segment.substring(0, id))).append("([^/]+)")
            .append(Pattern.quote(segment.substring(id + "<id>".length())));
      } else {
        regex.append(Pattern.quote(segment));
      }
    }
    if (ids != 1) {
      throw new IllegalArgumentException("container_id_cgroup_matchers entry \"" + matcher
          + "\" must contain <id> exactly once");
    }
    return Pattern.compile(regex.toString());
  }
}
