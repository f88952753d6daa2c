package dev.signet.common.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Crash-safe replacement of state files: the bytes go to a temporary file in the same directory, created
 * with mode 0600 from the start (never readable by others, not even for an instant), are forced to the
 * device, the temporary file is atomically renamed over the target, and the directory is forced too so the
 * rename itself survives a power loss. A crash at any point leaves either the whole old file or the whole
 * new one, and once {@link #write} returns the new one is on the device.
 */
public final class AtomicFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private AtomicFiles() {}

  /** Replaces {@code target} with {@code content}, mode 0600 on POSIX file systems, durably. */
  public static void write(Path target, byte[] content) throws IOException {
    write(target, content, OWNER_ONLY);
  }

  /**
   * Replaces {@code target} with {@code content}, durably, giving it {@code mode} on POSIX file systems. The
   * temporary file is 0600 while the bytes are written and gets {@code mode} (which the process umask does not
   * narrow) just before the rename, so readers only ever see the whole new file with its final mode.
   */
  public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path directory = absolute.getParent();
    Files.createDirectories(directory);
    Path temp = Files.createTempFile(directory, "." + absolute.getFileName(), ".tmp", ownerOnly());
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        if (ownerOnly().length > 0) {
          Files.setPosixFilePermissions(temp, mode); // before the force, so the mode is on the device too
        }
        channel.force(true);
      }
      try {
        Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot atomically replace " + absolute + ": the file system does not support it", e);
      }
      forceDirectory(directory);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Durably renames the complete file {@code staged} to {@code target}, which must not exist yet: the file's
   * content is forced to the device, then the rename, so after a crash {@code target} is either absent or
   * whole.
   */
  public static void publish(Path staged, Path target) throws IOException {
    try (FileChannel channel = FileChannel.open(staged, StandardOpenOption.WRITE)) {
      channel.force(true);
    }
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot atomically rename " + staged + ": the file system does not support it", e);
    }
    forceDirectory(target.toAbsolutePath().getParent());
  }

  /**
   * Forces {@code directory}'s entries (creations, renames, deletions) to the device. Linux allows
   * fsync on a directory opened read-only; where the platform refuses it there is nothing more to do.
   */
  public static void forceDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (UnsupportedOperationException e) {
      // not a POSIX platform: directory entries cannot be forced through the JDK
    }
  }

  private static FileAttribute<?>[] ownerOnly() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)}
        : new FileAttribute<?>[0];
  }
}
