package dev.signet.common.files;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Modes for files only the process's user may touch: directories 0700, files 0600. The modes are set
 * explicitly after creation, so they do not depend on the umask. On a file system without POSIX
 * permissions every method does nothing but create.
 */
public final class OwnerOnly {
  /** {@code rwx------}. */
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
  /** {@code rw-------}. */
  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

  private OwnerOnly() {}

  /** True where files have POSIX permissions (every platform Signet runs on in production). */
  public static boolean supported() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  /** The attribute creating a file 0600 (before the umask), or none on a non-POSIX file system. */
  public static FileAttribute<?>[] fileAttribute() {
    return supported() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code directory} and its missing parents, each 0700 whatever the umask. An existing
   * directory keeps its mode: whether that mode is acceptable is {@link DataDirPermissions}' decision.
   */
  public static Path createDirectories(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath().normalize();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && !Files.exists(p); p = p.getParent()) {
      missing.push(p);
    }
    while (!missing.isEmpty()) {
      Path next = missing.pop();
      try {
        Files.createDirectory(next, supported() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)}
            : new FileAttribute<?>[0]);
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(next)) {
          throw e;
        }
        continue; // made by someone else meanwhile: theirs, its mode is left alone
      }
      if (supported()) {
        Files.setPosixFilePermissions(next, DIRECTORY);
      }
    }
    return directory;
  }

  /** Sets {@code file} to 0600 (a regular file, not followed through a symbolic link). */
  public static void restrict(Path file) throws IOException {
    if (supported() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      Files.setPosixFilePermissions(file, FILE);
    }
  }
}
