package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The CPU time (user + system, all threads) a process has used, from /proc/PID/stat. */
final class ProcessCpu {
  /** USER_HZ, the unit of /proc/PID/stat times: 100 on every Linux architecture the benchmarks run on. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  static long micros(long pid) {
    return micros(Path.of("/proc", Long.toString(pid), "stat"));
  }

  /**
   * The CPU time of the process's live threads by thread name, numbered threads together ({@code GC Thread#0} and
   * {@code GC Thread#1} as {@code GC Thread}), largest first: which of main, the JIT compiler, the collector or
   * the event loops a start-up spends on.
   */
  static Map<String, Long> microsByThread(long pid) {
    Map<String, Long> byName = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : tasks.toList()) {
        try {
          String name = Files.readString(task.resolve("comm")).strip().replaceAll("[#-]?\\d+$", "");
          byName.merge(name, micros(task.resolve("stat")), Long::sum);
        } catch (UncheckedIOException | IOException e) {
          // the thread ended while being read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of pid " + pid, e);
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    byName.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
    return sorted;
  }

  private static long micros(Path stat) {
    try {
      String line = Files.readString(stat);
      // fields after the command name (which may hold spaces): state is [0], utime [11], stime [12]
      String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
      return ticks * 1_000_000 / TICKS_PER_SECOND;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time in " + stat, e);
    }
  }
}
