package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * libfaketime (Debian package {@code faketime}) for one process: its wall clock offset by a fixed amount.
 *
 * <p>The monotonic clock is offset too (libfaketime's default): with {@code FAKETIME_DONT_FAKE_MONOTONIC=1} a
 * JVM's timed waits ({@code Object.wait}, {@code LockSupport.parkNanos}, hence every scheduled executor) return at
 * once, as measured with libfaketime 0.9.10 and JDK 25, and the process spins. A constant offset leaves
 * monotonic differences, which is all a JVM uses that clock for, unchanged.
 */
public final class FakeTime {
  private FakeTime() {}

  /** The environment that runs a process with its clock offset by {@code offset} (libfaketime's "+5m", "-5m"). */
  public static Map<String, String> offset(String offset) {
    return Map.of("LD_PRELOAD", library().toString(), "FAKETIME", offset);
  }

  /** libfaketime.so.1 of the machine's architecture; an AssertionError when the package is not installed. */
  static Path library() {
    try (Stream<Path> dirs = Files.list(Path.of("/usr/lib"))) {
      return dirs.map(dir -> dir.resolve("faketime/libfaketime.so.1")).filter(Files::isRegularFile).findFirst()
          .orElseThrow(() -> new AssertionError("libfaketime is not installed (apt-get install faketime)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
