package dev.signet.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The POSIX permissions of a file as tests compare them, in {@code ls} form ({@code rw-------}). */
public final class FileModes {
  private FileModes() {}

  /** {@code path}'s permission bits, e.g. {@code rwx------}; a file that cannot be read fails the test. */
  public static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
