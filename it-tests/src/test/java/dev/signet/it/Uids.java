package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The uids the tests register workloads for. */
public final class Uids {
  private Uids() {}

  /** The uid of this JVM (the owner of /proc/self). */
  public static int current() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The uid of a local user, failing loudly when it does not exist. */
  public static int of(String user) {
    CommandResult id = Distribution.run(Duration.ofSeconds(10), List.of(Distribution.requireTool("id"), "-u", user));
    if (!id.ok()) {
      throw new IllegalStateException("user '" + user + "' is required by the end-to-end tests: " + id);
    }
    return Integer.parseInt(id.stdout().strip());
  }
}
