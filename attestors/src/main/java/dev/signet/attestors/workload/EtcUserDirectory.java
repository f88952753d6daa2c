package dev.signet.attestors.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link UserDirectory} read from passwd- and group-format files ({@code name:x:id:...}). Each file is
 * parsed again only when its modification time or size changes, so a lookup per Workload API call costs a
 * {@code stat}. The first entry for an ID wins, as with {@code getpwuid}. Directory services configured in
 * {@code nsswitch.conf} (LDAP, SSSD) are not consulted.
 */
public final class EtcUserDirectory implements UserDirectory {
  private final IdFile users;
  private final IdFile groups;

  public EtcUserDirectory(Path passwd, Path group) {
    this.users = new IdFile(passwd);
    this.groups = new IdFile(group);
  }

  /** The host's {@code /etc/passwd} and {@code /etc/group}. */
  public static EtcUserDirectory system() {
    return new EtcUserDirectory(Path.of("/etc/passwd"), Path.of("/etc/group"));
  }

  @Override
  public Optional<String> userName(int uid) {
    return users.nameOf(uid);
  }

  @Override
  public Optional<String> groupName(int gid) {
    return groups.nameOf(gid);
  }

  /** One file, cached by (mtime, size). */
  private static final class IdFile {
    private record Parsed(FileTime modified, long size, Map<Integer, String> names) {}

    private final Path path;
    private final AtomicReference<Parsed> cache = new AtomicReference<>();

    IdFile(Path path) {
      this.path = path;
    }

    Optional<String> nameOf(int id) {
      return Optional.ofNullable(current().names().get(id));
    }

    private Parsed current() {
      FileTime modified;
      long size;
      try {
        modified = Files.getLastModifiedTime(path);
        size = Files.size(path);
      } catch (NoSuchFileException e) {
        return new Parsed(FileTime.fromMillis(0), -1, Map.of());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stat " + path, e);
      }
      Parsed cached = cache.get();
      if (cached != null && cached.modified().equals(modified) && cached.size() == size) {
        return cached;
      }
      Parsed parsed = new Parsed(modified, size, parse());
      cache.set(parsed);
      return parsed;
    }

    private Map<Integer, String> parse() {
      Map<Integer, String> names = new HashMap<>();
      try {
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
          String[] fields = line.split(":", -1);
          if (line.startsWith("#") || fields.length < 3 || fields[0].isEmpty()) {
            continue;
          }
          try {
            names.putIfAbsent(Integer.parseUnsignedInt(fields[2]), fields[0]);
          } catch (NumberFormatException ignored) {
            // A malformed line names nobody; getpwuid skips it the same way.
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
      return Map.copyOf(names);
    }

    @Override
    public String toString() {
      return Objects.toString(path);
    }
  }
}
