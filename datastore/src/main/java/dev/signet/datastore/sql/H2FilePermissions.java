package dev.signet.datastore.sql;

import dev.signet.common.files.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Owner-only modes for the embedded H2 store, which creates its files itself (with the process umask):
 * the directory is made 0700 before H2 opens it, and every H2 file created while the store is open
 * ({@code .mv.db}, {@code .trace.db}, lock and temporary files: the database base name followed by a dot)
 * is set to 0600 right after the open and again after the close (a trace file appears on the first logged
 * error, a compaction replaces the {@code .mv.db}). "Created" means a new path or a new inode at a known
 * path; files that existed before keep their mode: whether it is acceptable is the start-up guard's
 * decision ({@code DataDirPermissions}), not something to change silently.
 *
 * @param base the database path without H2's {@code .mv.db}
 */
record H2FilePermissions(Path base) {
  /** The main database file, {@code <base>.mv.db}. */
  Path storeFile() {
    return base.resolveSibling(base.getFileName() + ".mv.db");
  }

  /** The files of the database that exist now, each with its file key (device and inode). */
  Map<Path, Object> snapshot() throws IOException {
    Path dir = directory();
    Map<Path, Object> files = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    String prefix = base.getFileName() + ".";
    try (Stream<Path> list = Files.list(dir)) {
      for (Path f : list.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        try {
          files.put(f, Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (NoSuchFileException e) {
          // a temporary file H2 removed meanwhile
        }
      }
    }
    return files;
  }

  /** Creates the database's directory 0700 when missing, before H2 would create it with the umask's mode. */
  void prepareDirectory() throws IOException {
    if (!Files.exists(directory())) {
      OwnerOnly.createDirectories(directory());
    }
  }

  /** Sets to 0600 the database files that are new since {@code before} (a new path or a new inode). */
  void restrictCreatedSince(Map<Path, Object> before) throws IOException {
    for (var file : snapshot().entrySet()) {
      if (!before.containsKey(file.getKey()) || !Objects.equals(before.get(file.getKey()), file.getValue())) {
        try {
          OwnerOnly.restrict(file.getKey());
        } catch (NoSuchFileException e) {
          // a temporary file H2 removed meanwhile
        }
      }
    }
  }

  private Path directory() {
    return base.toAbsolutePath().normalize().getParent();
  }
}
