package dev.signet.attestors.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Lays out a directory like {@code /proc} with just the files the attestors read. */
public final class FakeProc {
  private final Path root;

  public FakeProc(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public LinuxProcFs procFs() {
    return new LinuxProcFs(root);
  }

  /** A process with the given real/effective IDs, supplementary groups and start time. */
  public FakeProc process(int pid, int[] uids, int[] gids, List<Integer> groups, long startTime) {
    Path dir = root.resolve(Integer.toString(pid));
    write(dir.resolve("status"), "Name:\tfake\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t" + pid + "\n"
        + "Uid:\t" + uids[0] + "\t" + uids[1] + "\t" + uids[0] + "\t" + uids[1] + "\n"
        + "Gid:\t" + gids[0] + "\t" + gids[1] + "\t" + gids[0] + "\t" + gids[1] + "\n"
        + "FDSize:\t64\nGroups:\t" + groups.stream().map(String::valueOf).collect(Collectors.joining(" ")) + " \n");
    // comm with spaces and a ')' to prove the parser splits after the last ')'
    write(dir.resolve("stat"), pid + " (my ) prog) S 1 " + pid + " " + pid + " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
        + startTime + " 1000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
    write(dir.resolve("cgroup"), "12:pids:/docker/abc\n1:name=systemd:/docker/abc\n0::/system.slice/x.service\n");
    return this;
  }

  /** Replaces {@code /proc/<pid>/cgroup} with these lines. */
  public FakeProc cgroup(int pid, String... lines) {
    write(root.resolve(Integer.toString(pid)).resolve("cgroup"), String.join("\n", lines) + "\n");
    return this;
  }

  /** Points {@code /proc/<pid>/exe} at {@code binary}. */
  public FakeProc exe(int pid, Path binary) {
    try {
      Files.createSymbolicLink(root.resolve(Integer.toString(pid)).resolve("exe"), binary);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Replaces the process's start time, as if the pid had been reused. */
  public FakeProc restart(int pid, long startTime) {
    Path stat = root.resolve(Integer.toString(pid)).resolve("stat");
    try {
      String old = Files.readString(stat);
      String[] head = old.substring(0, old.lastIndexOf(')') + 1).split("\n");
      String[] fields = old.substring(old.lastIndexOf(')') + 2).split(" ");
      fields[19] = Long.toString(startTime);
      write(stat, head[0] + " " + String.join(" ", fields));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
