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
 * Owner-only modes for an embedded store (SQLite or H2), whose database creates its files itself (with the
 * process umask): the directory is made 0700 before the database opens it, and every file of the database
 * created while the store is open is set to 0600 right after the open and again after the close. The
 * database's files are those whose name starts with {@code prefix}: SQLite's {@code datastore.sqlite3}
 * and its {@code -wal}, {@code -shm} and {@code -journal} files; H2's {@code .mv.db}, {@code .trace.db},
 * lock and temporary files (a trace file appears on the first logged error, a compaction replaces the
 * {@code .mv.db}). "Created" means a new path or a new inode at a known path; files that existed before
 * keep their mode: whether it is acceptable is the start-up guard's decision ({@code DataDirPermissions}),
 * not something to change silently.
 *
 * @param storeFile the main database file
 * @param prefix the start of the name of every file of the database, in the store file's directory
 */
record EmbeddedFilePermissions(Path storeFile, String prefix) {
  /** SQLite's files: the database file itself and its siblings named after it. */
  static EmbeddedFilePermissions sqlite(Path file) {
    return new EmbeddedFilePermissions(file, file.getFileName().toString());
  }

  /** H2's files at {@code base} (the database path without {@code .mv.db}): the base name and a dot. */
  static EmbeddedFilePermissions h2(Path base) {
    return new EmbeddedFilePermissions(base.resolveSibling(base.getFileName() + ".mv.db"), base.getFileName() + ".");
  }

  /** The files of the database that exist now, each with its file key (device and inode). */
  Map<Path, Object> snapshot() throws IOException {
    Path dir = directory();
    Map<Path, Object> files = new HashMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (Stream<Path> list = Files.list(dir)) {
      for (Path f : list.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        try {
          files.put(f, Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
        } catch (NoSuchFileException e) {
          // a temporary file the database removed meanwhile
        }
      }
    }
    return files;
  }

  /** Creates the database's directory 0700 when missing, before the database would create it with the umask mode. */
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
          // a temporary file the database removed meanwhile
        }
      }
    }
  }

  private Path directory() {
    return storeFile.toAbsolutePath().normalize().getParent();
  }
}
