package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The OCI images Jib builds without a Docker daemon ({@code packaging/image}): each tar's config (non-root user,
 * entrypoint, command, labels, working directory) is checked, its layers are unpacked in order into a root
 * directory (whiteouts honoured) and its entrypoint runs there for real, as the image's user, in new mount and
 * PID namespaces chrooted into that root ({@code unshare}): the agent and gateway validate their images'
 * configs, and the server starts from its image's config and answers its health check, then stops on SIGTERM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OciImageTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private static final String USER = "65532:65532";
  private static final String JAVA = "/opt/signet/runtime/bin/java";
  /** A guard against an image that grows by accident (a JDK instead of the jlink'ed runtime, archives). */
  private static final long MAX_COMPRESSED_BYTES = 200L * 1024 * 1024;

  private final Path images = Path.of(System.getProperty("signet.images", "../packaging/image/target"))
      .toAbsolutePath().normalize();
  private Workspace workspace;

  @BeforeAll
  void setUp() {
    workspace = new Workspace("oci");
  }

  @AfterAll
  void tearDown() {
    workspace.close();
  }

  @Test
  void serverImageRunsAsNonRootFromItsOwnConfigAndAnswersItsHealthCheck() throws Exception {
    Path root = unpacked("signet-server", "server.conf", "8081/tcp");
    run(root, "validate", "-config", "/etc/signet/server.conf").requireOk();

    String config = Files.readString(root.resolve("etc/signet/server.conf"));
    assertThat(config).contains("bind_port = \"8081\"").contains("bind_port = \"8082\"");
    int port = Workspace.freePort();
    int healthPort = Workspace.freePort();
    Files.writeString(root.resolve("etc/signet/it-server.conf"), config
        .replace("bind_port = \"8081\"", "bind_port = \"" + port + "\"")
        .replace("bind_port = \"8082\"", "bind_port = \"" + healthPort + "\""));
    RunningProcess server = workspace.start("server-image", inImage(root, "run", "-config", "/etc/signet/it-server.conf"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String ready = Poll.value("the server in its image to be ready", Duration.ofMinutes(2),
        () -> server.isAlive() ? get(http, "http://127.0.0.1:" + healthPort + "/ready") : Optional.of("exited"));
    assertThat(ready).as(server.tail(40)).contains("\"healthy\":true");
    assertThat(Files.getAttribute(root.resolve("var/lib/signet/data/server"), "unix:uid")).as("data_dir owner").isEqualTo(65532);

    server.stop();
    assertThat(server.isAlive()).isFalse();
    assertThat(server.tail(200)).contains("listening on 127.0.0.1:" + port);
  }

  @Test
  void agentImageValidatesItsConfig() throws Exception {
    Path root = unpacked("signet-agent", "agent.conf", null);
    CommandResult validate = run(root, "validate", "-config", "/etc/signet/agent.conf").requireOk();
    assertThat(validate.output()).contains("configuration file is valid");
    assertThat(run(root, "validate", "-config", "/etc/signet/no-such.conf").ok()).isFalse();
  }

  @Test
  void gatewayImageValidatesItsConfig() throws Exception {
    Path root = unpacked("signet-gateway", "gateway.conf", "8443/tcp");
    CommandResult validate = run(root, "validate", "-config", "/etc/signet/gateway.conf").requireOk();
    assertThat(validate.output()).contains("Configuration is valid");
  }

  /** Opens the image, checks its config, unpacks it and returns its root. */
  private Path unpacked(String name, String conf, String exposedPort) throws IOException {
    OciImage image = OciImage.open(images.resolve("jib-" + name + ".tar"), workspace.path(name + "-layout"));
    JsonNode run = image.runConfig();
    assertThat(run.path("User").asText()).isEqualTo(USER);
    assertThat(texts(run.path("Entrypoint"))).containsExactly(JAVA, "@/opt/signet/lib/" + name + ".args");
    assertThat(texts(run.path("Cmd"))).containsExactly("run", "-config", "/etc/signet/" + conf);
    assertThat(run.path("WorkingDir").asText()).isEqualTo("/var/lib/signet");
    JsonNode labels = run.path("Labels");
    assertThat(labels.path("org.opencontainers.image.title").asText()).isEqualTo(name);
    assertThat(labels.path("org.opencontainers.image.version").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
    // no source address is published yet, and none is invented
    assertThat(labels.has("org.opencontainers.image.source")).isFalse();
    assertThat(labels.path("org.opencontainers.image.licenses").asText()).isNotBlank();
    if (exposedPort != null) {
      assertThat(run.path("ExposedPorts").has(exposedPort)).as(run.toString()).isTrue();
    }
    assertThat(image.config().path("os").asText()).isEqualTo("linux");
    System.out.printf("image %s: %d layers, %.1f MiB compressed%n", name, image.manifest().path("layers").size(),
        image.compressedSize() / 1024.0 / 1024.0);
    assertThat(image.compressedSize()).isLessThan(MAX_COMPRESSED_BYTES);

    Path root = workspace.path(name + "-root");
    image.unpack(root);
    OciImage.deleteTree(image.layout());
    assertThat(Files.readString(root.resolve("etc/passwd"))).contains("nonroot:x:65532:65532:");
    assertThat(Files.getAttribute(root.resolve("var/lib/signet"), "unix:uid")).isEqualTo(65532);
    assertThat(root.resolve("bin/sh")).as("distroless: no shell").doesNotExist();
    assertThat(root.resolve(JAVA.substring(1))).isExecutable();
    assertThat(root.resolve("etc/ssl/certs/ca-certificates.crt")).isNotEmptyFile();
    assertClassPathExists(root, Files.readAllLines(root.resolve("opt/signet/lib/" + name + ".args")));
    // the build machine's start-up archives are of no use to the image's java (its argument files name none)
    try (var lib = Files.list(root.resolve("opt/signet/lib"))) {
      assertThat(lib.map(path -> path.getFileName().toString()))
          .noneMatch(file -> file.endsWith(".jsa") || file.endsWith(".aot"));
    }
    prepareDevAndProc(root);
    return root;
  }

  /** Every class path entry the argument file names is in the image. */
  private static void assertClassPathExists(Path root, List<String> arguments) {
    int cp = arguments.indexOf("\"-cp\"");
    assertThat(cp).as(arguments.toString()).isNotNegative();
    for (String entry : arguments.get(cp + 1).replace("\"", "").split(":")) {
      Path path = root.resolve(entry.replaceFirst("/\\*$", "").substring(1));
      assertThat(path).as(entry).exists();
    }
  }

  /** What a container runtime provides: /proc (mounted by unshare) and the basic character devices. */
  private static void prepareDevAndProc(Path root) throws IOException {
    Files.createDirectories(root.resolve("proc"));
    Files.createDirectories(root.resolve("dev"));
    String mknod = Distribution.requireTool("mknod");
    for (String[] device : new String[][] {{"null", "3"}, {"zero", "5"}, {"random", "8"}, {"urandom", "9"}}) {
      Distribution.run(TIMEOUT, List.of(mknod, "-m", "666", root.resolve("dev").resolve(device[0]).toString(), "c", "1",
          device[1])).requireOk();
    }
  }

  private CommandResult run(Path root, String... args) {
    return Distribution.run(TIMEOUT, inImage(root, args));
  }

  /** The image's entrypoint with {@code args}, as its user, in its working directory, chrooted into its root. */
  private static List<String> inImage(Path root, String... args) {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("unshare"), "--mount", "--pid", "--fork",
        "--mount-proc=/proc", "--root=" + root, "--wd=/var/lib/signet", "--setuid", "65532", "--setgid", "65532",
        JAVA, "@/opt/signet/lib/" + imageName(root) + ".args"));
    command.addAll(List.of(args));
    return command;
  }

  private static String imageName(Path root) {
    return root.getFileName().toString().replaceFirst("-root$", "");
  }

  private static Optional<String> get(HttpClient http, String url) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
          .build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(node -> texts.add(node.asText()));
    return texts;
  }
}
