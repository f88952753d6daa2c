package dev.signet.datastore.sql;

import dev.signet.common.files.OwnerOnly;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Owner-only modes for the embedded H2 store, which creates its files itself (with the process umask):
 * the directory is made 0700 before H2 opens it, and every H2 file the open created ({@code .mv.db},
 * {@code .trace.db}, lock and temporary files: the database base name followed by a dot) is set to 0600
 * right after. Files that existed before keep their mode: whether it is acceptable is the start-up
 * guard's decision ({@code DataDirPermissions}), not something to change silently.
 *
 * @param base the database path without H2's {@code .mv.db}
 */
record H2FilePermissions(Path base) {
  /** The files of the database at {@code base} that exist now. */
  Set<Path> existing() throws IOException {
    Path dir = directory();
    if (!Files.isDirectory(dir)) {
      return Set.of();
    }
    String prefix = base.getFileName() + ".";
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix)).collect(Collectors.toSet());
    }
  }

  /** Creates the database's directory 0700 when missing, before H2 would create it with the umask's mode. */
  void prepareDirectory() throws IOException {
    if (!Files.exists(directory())) {
      OwnerOnly.createDirectories(directory());
    }
  }

  /** Sets to 0600 the database files that are not in {@code before}. */
  void restrictCreatedSince(Set<Path> before) throws IOException {
    for (Path file : List.copyOf(existing())) {
      if (!before.contains(file)) {
        OwnerOnly.restrict(file);
      }
    }
  }

  private Path directory() {
    return base.toAbsolutePath().normalize().getParent();
  }
}
