package dev.signet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The jlink'ed runtime holds every JDK module the jars of lib/ use: {@code jdeps --print-module-deps} over
 * lib/ (by the build's JDK 25) names nothing the runtime's {@code release} file does not list. A new library
 * needing another module fails here, not in production with a NoClassDefFoundError.
 */
class RuntimeModulesTest {

  @Test
  void theRuntimeHoldsEveryModuleJdepsFindsInLib() throws IOException {
    Path home = Distribution.get().home();
    Set<String> runtime = new TreeSet<>();
    for (String line : Files.readAllLines(home.resolve("runtime/release"))) {
      if (line.startsWith("MODULES=")) {
        runtime.addAll(List.of(line.substring("MODULES=".length()).replace("\"", "").split(" ")));
      }
    }
    assertTrue(runtime.contains("java.base"), "no MODULES in runtime/release: " + runtime);

    List<Path> lib;
    try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
      lib = jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList();
    }
    // A modular jar (acme4j) is analysed as a module whose `requires` must resolve: the jars that have a module
    // name go on the module path too (all of lib/ cannot: some jars have classes in the unnamed package).
    String modulePath = String.join(java.io.File.pathSeparator,
        lib.stream().filter(RuntimeModulesTest::named).map(Path::toString).toList());
    List<String> command = new ArrayList<>(List.of(jdeps(), "--module-path", modulePath, "--print-module-deps",
        "--ignore-missing-deps", "--multi-release", "25"));
    lib.forEach(j -> command.add(j.toString()));
    CommandResult jdeps = Distribution.run(Duration.ofMinutes(5), command).requireOk();
    String[] lines = jdeps.stdout().strip().split("\n");
    Set<String> needed = new TreeSet<>(List.of(lines[lines.length - 1].strip().split(",")));
    needed.removeAll(runtime);
    assertEquals(Set.of(), needed, "modules lib/ needs that packaging/src/build/runtime-modules.txt lacks");
  }

  /** Whether {@code jar} has a module name: a module-info, or an Automatic-Module-Name in its manifest. */
  private static boolean named(Path jar) {
    try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile(), false, java.util.zip.ZipFile.OPEN_READ,
        Runtime.version())) {
      java.util.jar.Manifest manifest = file.getManifest();
      return file.getJarEntry("module-info.class") != null
          || manifest != null && manifest.getMainAttributes().getValue("Automatic-Module-Name") != null;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String jdeps() throws IOException {
    try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
      return jdks.filter(j -> j.getFileName().toString().contains("25"))
          .map(j -> j.resolve("bin/jdeps")).filter(Files::isExecutable).findFirst()
          .orElseThrow(() -> new IllegalStateException("no JDK 25 jdeps under /usr/lib/jvm")).toString();
    }
  }
}
