package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory from /proc: VmRSS (status) and the proportional set size (smaps_rollup), which
 * charges shared pages to each sharer in part. Both in kB.
 */
record ProcessMemory(long rssKb, long pssKb) {
  static ProcessMemory of(long pid) {
    try {
      return new ProcessMemory(field(Path.of("/proc", Long.toString(pid), "status"), "VmRSS:"),
          field(Path.of("/proc", Long.toString(pid), "smaps_rollup"), "Pss:"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory of pid " + pid, e);
    }
  }

  private static long field(Path file, String name) throws IOException {
    for (String line : Files.readAllLines(file)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).replace("kB", "").strip());
      }
    }
    throw new IOException("no '" + name + "' in " + file);
  }

  double rssMb() {
    return rssKb / 1024.0;
  }

  double pssMb() {
    return pssKb / 1024.0;
  }
}
