package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The packaging module's artefacts beside the distribution folder ({@code packaging/target}): the tarball,
 * the .deb packages and the jlink'ed runtime. A missing one fails the test loudly.
 */
public final class PackagingArtifacts {
  private PackagingArtifacts() {}

  /** {@code packaging/target}. */
  public static Path target() {
    return Distribution.get().home().getParent();
  }

  /** The one file of {@code packaging/target} whose name matches {@code glob}. */
  public static Path single(String glob) {
    List<Path> found;
    try (Stream<Path> files = Files.list(target())) {
      found = files.filter(f -> f.getFileSystem().getPathMatcher("glob:" + glob).matches(f.getFileName())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (found.size() != 1) {
      throw new IllegalStateException("expected exactly one " + glob + " in " + target() + ", found " + found
          + "; build it with ./mvnw -B -o -pl packaging -am package -DskipTests");
    }
    return found.get(0);
  }

  public static Path tarball() {
    return single("signet-*-linux-x86_64.tar.gz");
  }

  public static Path deb(String packageName) {
    return single(packageName + "_*.deb");
  }

  /** The distribution's systemd unit {@code name} (the .deb and the tarball ship the same file). */
  public static Path unit(String name) {
    return Distribution.get().home().resolve("systemd").resolve(name);
  }
}
