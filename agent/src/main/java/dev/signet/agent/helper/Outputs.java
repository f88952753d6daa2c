package dev.signet.agent.helper;

import dev.signet.common.files.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the helper's files with {@link AtomicFiles} (temporary file, fsync, chmod, rename, fsync of the
 * directory) and remembers, per file, whether its last write succeeded: the health listener's answer.
 */
final class Outputs {
  private final Map<Path, Boolean> lastWriteOk = new LinkedHashMap<>();
  private final int expected;

  /** {@code expected}: how many files the configuration asks for (ready once each was written). */
  Outputs(int expected) {
    this.expected = expected;
  }

  void write(Path file, String text, FileMode mode) throws IOException {
    try {
      AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), mode.permissions());
    } catch (IOException e) {
      record(file, false);
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
    record(file, true);
  }

  synchronized void failed(Path file) {
    lastWriteOk.put(file, false);
  }

  private synchronized void record(Path file, boolean ok) {
    lastWriteOk.put(file, ok);
  }

  /** Every configured file has been written and no last write failed. */
  synchronized boolean ready() {
    return lastWriteOk.size() >= expected && !lastWriteOk.containsValue(false);
  }

  /** No file's last write failed. */
  synchronized boolean live() {
    return !lastWriteOk.containsValue(false);
  }
}
