package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The distribution's agent starts from its own jar, whose manifest {@code Class-Path} names the jars of
 * {@code lib/} it needs: every one of them is there, and none of the server-only jars (the server halves of the
 * node attestors, the AWS SDK, fabric8, the datastore and its drivers) is on the agent's class path. Micrometer's
 * Prometheus registry is, on purpose: {@code telemetry { Prometheus {} }} loads it (and nothing loads it otherwise).
 */
class AgentClassPathTest {
  private static final List<String> SERVER_ONLY_PREFIXES = List.of("signet-server-", "signet-attestors-server-",
      "signet-datastore-", "signet-ca-", "kubernetes-", "ec2-", "iam-", "sts-", "sdk-core-", "aws-core-",
      "helidon-", "cel-", "h2-", "postgresql-", "sqlite-jdbc-", "flyway-", "HikariCP-");

  @Test
  void agentLauncherNamesExactlyTheJarsTheAgentNeeds() throws IOException {
    Path lib = Distribution.get().home().resolve("lib");
    List<String> classPath = manifestClassPath(agentJar(lib));

    assertThat(classPath).contains("signet-attestors-0.1.0-SNAPSHOT.jar", "signet-common-0.1.0-SNAPSHOT.jar");
    assertThat(classPath).anyMatch(jar -> jar.startsWith("micrometer-registry-prometheus-"))
        .anyMatch(jar -> jar.startsWith("micrometer-core-"));
    assertThat(classPath).allSatisfy(jar -> assertThat(lib.resolve(jar)).isRegularFile());
    assertThat(classPath).noneMatch(jar -> SERVER_ONLY_PREFIXES.stream().anyMatch(jar::startsWith));
    assertThat(Files.readString(Distribution.get().home().resolve("bin/signet-agent"))).contains("--jar=signet-agent");
  }

  private static Path agentJar(Path lib) throws IOException {
    try (Stream<Path> files = Files.list(lib)) {
      List<Path> jars = files.filter(f -> f.getFileName().toString().matches("signet-agent-[0-9].*\\.jar")).toList();
      assertThat(jars).hasSize(1);
      return jars.getFirst();
    }
  }

  private static List<String> manifestClassPath(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      String classPath = file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      assertThat(classPath).as("Class-Path of %s", jar).isNotBlank();
      return Arrays.stream(classPath.trim().split("\\s+")).toList();
    }
  }
}
