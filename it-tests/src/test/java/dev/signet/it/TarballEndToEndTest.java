package dev.signet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime tarball as a user gets it: unpacked into a directory whose path has a space, its launchers
 * called through symlinks from another directory, as an unprivileged user ({@code nobody}), with a minimal
 * PATH and no JAVA_HOME: they must run on the bundled runtime, with no JDK on the host needed.
 */
class TarballEndToEndTest {
  private static Path root;
  private static Path home;

  @BeforeAll
  static void unpack() throws IOException {
    root = Files.createTempDirectory("signet tarball ");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // nobody must traverse it
    Path tarball = PackagingArtifacts.tarball();
    Distribution.run(Duration.ofMinutes(3), List.of(Distribution.requireTool("tar"), "-xzf", tarball.toString(),
        "-C", root.toString())).requireOk();
    String name = tarball.getFileName().toString().replace("-linux-x86_64.tar.gz", "");
    home = root.resolve(name);
  }

  @AfterAll
  static void remove() {
    if (root != null) {
      Distribution.run(Duration.ofMinutes(1), List.of(Distribution.requireTool("rm"), "-rf", root.toString()));
    }
  }

  @Test
  void holdsOneTopDirectoryWithTheLaunchersLibrariesRuntimeUnitsAndNotices() throws IOException {
    try (Stream<Path> top = Files.list(root)) {
      assertEquals(List.of(home), top.toList());
    }
    for (String entry : List.of("bin/signet-server", "bin/signet-agent", "bin/signet-gateway", "bin/signet-launcher",
        "runtime/bin/java", "runtime/lib/server/classes_coh.jsa", "lib/ServerMain.jsa", "lib/AgentMain.jsa",
        "lib/ServerDaemon.aot", "lib/ServerCli.aot", "lib/AgentCli.aot",
        "conf/server/server.conf", "conf/agent/agent.conf", "systemd/signet-server.service",
        "systemd/signet-agent.service", "NOTICE", "THIRD-PARTY.txt")) {
      assertTrue(Files.exists(home.resolve(entry)), "missing " + entry);
    }
    assertTrue(Files.isExecutable(home.resolve("runtime/bin/java")));
    String thirdParty = Files.readString(home.resolve("THIRD-PARTY.txt"));
    assertTrue(thirdParty.contains("netty-transport-") && thirdParty.contains("Apache"), thirdParty);
  }

  @Test
  void nothingIsWritableByGroupOrOthers() throws IOException {
    List<String> writable = new ArrayList<>();
    try (Stream<Path> all = Files.walk(home)) {
      all.filter(p -> !Files.isSymbolicLink(p)).forEach(p -> {
        try {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
          if (mode.charAt(4) == 'w' || mode.charAt(7) == 'w') {
            writable.add(mode + " " + p);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
    assertEquals(List.of(), writable);
  }

  @Test
  void launchersRunThroughSymlinksFromAnotherDirectoryAsNobodyOnTheBundledRuntime() throws IOException {
    Path links = root.resolve("links dir");
    Files.createDirectories(links);
    for (String bin : List.of("signet-server", "signet-agent")) {
      Path link = Files.createSymbolicLink(links.resolve(bin), home.resolve("bin").resolve(bin));
      CommandResult help = asNobody(List.of(link.toString(), "--help"),
          "SIGNET_JAVA_OPTS=-XshowSettings:properties");
      help.requireOk();
      assertTrue(help.stdout().contains("Usage: " + bin), help.toString());
      // -XshowSettings prints the JVM's properties: the bundled runtime, resolved through the symlink
      assertTrue(help.stderr().contains("java.home = " + home.resolve("runtime")), help.toString());
    }
  }

  @Test
  void theServerValidatesItsExampleConfigAsNobody() {
    CommandResult validate = asNobody(List.of(home.resolve("bin/signet-server").toString(), "validate", "-config",
        home.resolve("conf/server/server.conf").toString()));
    assertTrue(validate.ok(), validate.toString());
  }

  @Test
  void adminVerbsStartFromTheirOwnClassPathAndAotCacheWhereverTheTarballIsUnpacked() {
    // no server: the call fails, after picocli and the gRPC client have loaded
    CommandResult call = asNobody(List.of(home.resolve("bin/signet-server").toString(), "agent", "list",
        "-socketPath", root.resolve("no-such-dir/api.sock").toString()), "SIGNET_JAVA_OPTS=-Xlog:class+load");
    assertEquals(1, call.exitCode(), call.toString());
    // picocli (rewritten from Java 5 class files at build time), the one-shot gRPC client and its HTTP/2 come from
    // lib/ServerCli.aot
    assertLoadedFromTheAotCache(call, "picocli.CommandLine", "dev.signet.proto.transport.OneShotChannel",
        "dev.signet.proto.transport.SingleStreamHttp2", "dev.signet.server.cli.ServerMain");
    // grpc-java's Netty channel and logback are not started for an admin call
    for (String unused : List.of("io.grpc.internal.ManagedChannelImpl", "ch.qos.logback.classic.LoggerContext")) {
      assertTrue(call.stdout().lines().noneMatch(line -> line.contains(" " + unused + " source: ")), unused);
    }
    // and nothing of the daemon's own dependencies is on the class path
    for (String daemonOnly : List.of("flyway-core", "h2-", "postgresql-", "kubernetes-client", "helidon-webserver",
        "ec2-")) {
      assertTrue(call.stdout().lines().noneMatch(line -> line.contains("/lib/" + daemonOnly)), daemonOnly);
    }
  }

  @Test
  void agentCliVerbsStartFromTheirAotCacheWhereverTheTarballIsUnpacked() {
    CommandResult call = asNobody(List.of(home.resolve("bin/signet-agent").toString(), "healthcheck",
        "-socketPath", root.resolve("no-such-dir/agent.sock").toString()), "SIGNET_JAVA_OPTS=-Xlog:class+load");
    assertEquals(1, call.exitCode(), call.toString());
    assertLoadedFromTheAotCache(call, "picocli.CommandLine", "dev.signet.agent.cli.AgentMain");
  }

  @Test
  void everyClassFileIsOneTheArchivesCanHold() throws IOException {
    // the JVM keeps class files older than Java 6 (major version 50) out of CDS archives and AOT caches
    List<String> old = new ArrayList<>();
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      for (Path jar : jars.filter(path -> path.toString().endsWith(".jar")).toList()) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
          for (ZipEntry entry : Collections.list(zip.entries())) {
            if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
              try (InputStream in = zip.getInputStream(entry)) {
                byte[] header = in.readNBytes(8);
                if (((header[6] & 0xff) << 8 | (header[7] & 0xff)) < 50) {
                  old.add(jar.getFileName() + "!" + entry.getName());
                }
              }
            }
          }
        }
      }
    }
    assertEquals(List.of(), old);
  }

  /** Each class, in the -Xlog:class+load output of {@code call}, came from the AOT cache (not from a jar). */
  private static void assertLoadedFromTheAotCache(CommandResult call, String... classNames) {
    for (String name : classNames) {
      String loaded = " " + name + " source: ";
      assertTrue(call.stdout().lines().anyMatch(line -> line.contains(loaded + "shared objects file")),
          name + " not from the AOT cache:\n" + call.stdout().lines().filter(line -> line.contains(loaded)).toList());
    }
  }

  /** Runs {@code command} as nobody from / with PATH=/usr/bin:/bin and nothing else in the environment. */
  private static CommandResult asNobody(List<String> command, String... environment) {
    List<String> full = new ArrayList<>(List.of(Distribution.requireTool("setpriv"), "--reuid=nobody",
        "--regid=nogroup", "--clear-groups", Distribution.requireTool("env"), "-i", "-C", "/",
        "PATH=/usr/bin:/bin"));
    full.addAll(List.of(environment));
    full.addAll(command);
    return Distribution.run(Duration.ofMinutes(1), full);
  }
}
