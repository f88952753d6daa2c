package dev.signet.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A small tmpfs mounted on a directory of a test workspace: a real file system that fills up, for the
 * disk-full tests. Mounting needs root (the CI runs as root); when it fails the test fails with the reason,
 * it is never skipped. {@link #close()} unmounts (lazily if something still holds it), so a failing test
 * leaves no mount behind; processes using it must be stopped first.
 */
final class TmpfsMount implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final Path dir;
  private boolean mounted;

  private TmpfsMount(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs of {@code kibibytes} on {@code dir} (created, mode 0700 as a daemon's data dir). */
  static TmpfsMount mount(Path dir, int kibibytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CommandResult result = Distribution.run(TIMEOUT, List.of(Distribution.requireTool("mount"), "-t", "tmpfs",
        "-o", "size=" + kibibytes + "k,mode=0700", "tmpfs", dir.toString()));
    if (!result.ok()) {
      throw new AssertionError("cannot mount a " + kibibytes + " KiB tmpfs on " + dir + " (the disk-full tests need"
          + " root or CAP_SYS_ADMIN to make a real full file system; they do not skip): " + result);
    }
    TmpfsMount mount = new TmpfsMount(dir);
    mount.mounted = true;
    return mount;
  }

  Path dir() {
    return dir;
  }

  /**
   * Writes {@code name} in 4 KiB blocks until the file system refuses one (ENOSPC): returns the bytes written.
   * Throws if the disk never fills (the mount did not take).
   */
  long fill(String name) {
    Path filler = dir.resolve(name);
    byte[] block = new byte[4096];
    long written = 0;
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
        written += block.length;
        if (written > 1L << 30) {
          throw new AssertionError("wrote 1 GiB to " + filler + " without the disk filling: not the small tmpfs");
        }
      }
    } catch (IOException full) {
      if (!String.valueOf(full.getMessage()).contains("No space left on device")) {
        throw new UncheckedIOException("filling " + filler + " failed otherwise than on a full disk", full);
      }
      return written;
    }
  }

  /** Deletes the filler file {@link #fill} wrote: the disk has room again. */
  void free(String name) {
    try {
      Files.deleteIfExists(dir.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes still free. */
  long usable() {
    try {
      return Files.getFileStore(dir).getUsableSpace();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (!mounted) {
      return;
    }
    CommandResult result = Distribution.run(TIMEOUT, List.of(Distribution.requireTool("umount"), dir.toString()));
    if (!result.ok()) {
      result = Distribution.run(TIMEOUT, List.of(Distribution.requireTool("umount"), "-l", dir.toString()));
    }
    mounted = !result.ok();
    if (mounted) {
      throw new AssertionError("cannot unmount the tmpfs on " + dir + ": " + result);
    }
  }
}
