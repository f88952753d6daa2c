package dev.signet.ca.manager;

import dev.signet.common.files.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** A journal kept in {@code <data_dir>/ca-journal.json}, replaced atomically (temp file, fsync, rename, 0600). */
public final class FileJournalStore implements JournalStore {
  /** The file name under the data directory. */
  public static final String FILE_NAME = "ca-journal.json";
  private final Path file;

  public FileJournalStore(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  /** The journal file. */
  public Path file() {
    return file;
  }

  @Override
  public Optional<byte[]> load() {
    try {
      return Optional.of(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ca journal " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void save(byte[] journal) {
    try {
      AtomicFiles.write(file, journal);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the ca journal " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "FileJournalStore[" + file + "]";
  }
}
