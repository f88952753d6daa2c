package dev.signet.attestors.workload;

import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * {@link ProcFs} over a Linux procfs mount. The root is {@code /proc} in production; the agent may be
 * pointed at a host procfs mounted elsewhere (SPIRE's {@code HOST_PROC}), and tests at a temp directory.
 */
public final class LinuxProcFs implements ProcFs {
  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  /** The start-time field of {@code /proc/<pid>/stat} (1-based, per proc(5)). */
  private static final int START_TIME_FIELD = 22;
  /** Fields before the first one that follows {@code (comm)}: pid and comm. */
  private static final int FIELDS_BEFORE_STATE = 2;

  private final Path root;

  public LinuxProcFs(Path root) {
    this.root = root;
  }

  /** The host's {@code /proc}. */
  public static LinuxProcFs system() {
    return new LinuxProcFs(Path.of("/proc"));
  }

  public Path root() {
    return root;
  }

  @Override
  public ProcessStatus status(int pid) throws WorkloadAttestationException {
    List<Integer> uids = List.of();
    List<Integer> gids = List.of();
    List<Integer> groups = List.of();
    for (String line : readLines(pid, "status")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon);
      String value = line.substring(colon + 1).trim();
      switch (key) {
        case "Uid" -> uids = numbers(pid, "Uid", value);
        case "Gid" -> gids = numbers(pid, "Gid", value);
        case "Groups" -> groups = numbers(pid, "Groups", value);
        default -> { }
      }
    }
    if (uids.isEmpty() || gids.isEmpty()) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE,
          "process " + pid + ": " + file(pid, "status") + " has no Uid or Gid line");
    }
    return new ProcessStatus(pid, uids, gids, groups);
  }

  @Override
  public long startTime(int pid) throws WorkloadAttestationException {
    String stat = String.join("\n", readLines(pid, "stat"));
    // comm (field 2) is in parentheses and may itself contain spaces and ')': split after the last ')'.
    int close = stat.lastIndexOf(')');
    String[] rest = close < 0 ? new String[0] : WHITESPACE.split(stat.substring(close + 1).trim());
    int index = START_TIME_FIELD - FIELDS_BEFORE_STATE - 1;
    if (rest.length <= index) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE,
          "process " + pid + ": " + file(pid, "stat") + " has fewer than " + START_TIME_FIELD + " fields");
    }
    try {
      return Long.parseLong(rest[index]);
    } catch (NumberFormatException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE,
          "process " + pid + ": start time \"" + rest[index] + "\" in " + file(pid, "stat") + " is not a number", e);
    }
  }

  @Override
  public Path executablePath(int pid) throws WorkloadAttestationException {
    Path link = file(pid, "exe");
    try {
      return Files.readSymbolicLink(link);
    } catch (IOException e) {
      throw failure(pid, link, e);
    }
  }

  @Override
  public Path executableFile(int pid) throws WorkloadAttestationException {
    requireProcess(pid);
    return file(pid, "exe");
  }

  @Override
  public List<CgroupEntry> cgroups(int pid) throws WorkloadAttestationException {
    List<CgroupEntry> entries = new ArrayList<>();
    for (String line : readLines(pid, "cgroup")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        entries.add(CgroupEntry.parse(line));
      } catch (IllegalArgumentException e) {
        throw new WorkloadAttestationException(Kind.UNAVAILABLE, "process " + pid + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(entries);
  }

  private List<String> readLines(int pid, String name) throws WorkloadAttestationException {
    requirePid(pid);
    Path file = file(pid, name);
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw failure(pid, file, e);
    }
  }

  private void requireProcess(int pid) throws WorkloadAttestationException {
    requirePid(pid);
    if (!Files.isDirectory(root.resolve(Integer.toString(pid)))) {
      throw new WorkloadAttestationException(Kind.PROCESS_GONE, "process " + pid + " does not exist");
    }
  }

  private static void requirePid(int pid) throws WorkloadAttestationException {
    if (pid <= 0) {
      throw new WorkloadAttestationException(Kind.PROCESS_GONE, "pid " + pid + " is not a process id");
    }
  }

  private Path file(int pid, String name) {
    return root.resolve(Integer.toString(pid)).resolve(name);
  }

  private WorkloadAttestationException failure(int pid, Path file, IOException e) {
    if (e instanceof NoSuchFileException && !Files.isDirectory(root.resolve(Integer.toString(pid)))) {
      return new WorkloadAttestationException(Kind.PROCESS_GONE, "process " + pid + " does not exist", e);
    }
    String why = e instanceof AccessDeniedException ? "permission denied" : e.toString();
    return new WorkloadAttestationException(Kind.UNAVAILABLE, "process " + pid + ": cannot read " + file + ": " + why, e);
  }

  private static List<Integer> numbers(int pid, String key, String value) throws WorkloadAttestationException {
    List<Integer> numbers = new ArrayList<>();
    for (String token : WHITESPACE.split(value)) {
      if (token.isEmpty()) {
        continue;
      }
      try {
        numbers.add(Integer.parseUnsignedInt(token));
      } catch (NumberFormatException e) {
        throw new WorkloadAttestationException(Kind.UNAVAILABLE,
            "process " + pid + ": status " + key + " value \"" + token + "\" is not a number", e);
      }
    }
    return numbers;
  }
}
