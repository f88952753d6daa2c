package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU time (user + system, all threads) a process has used, from /proc/PID/stat. */
final class ProcessCpu {
  /** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux architecture the benchmarks run on. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  static long micros(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name (which may hold spaces): state is [0], utime [11], stime [12]
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of pid " + pid, e);
    }
  }
}
