package dev.signet.it;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Secrets at rest with the real daemons: both run with a umask of at least 0027 whatever they were started
 * with, keep their data_dir 0700 and every file in it 0600 (the SQLite store holds join tokens only as hashes),
 * and a server whose data_dir was opened to others refuses to start with one line saying how to fix it.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DataDirPermissionsEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/perms");
  private Workspace workspace;
  private SignetServer server;
  private SignetAgent agent;
  /** The daemons' temporary directory ({@code java.io.tmpdir}, {@code TMPDIR}). */
  private Path tmp;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @BeforeEach
  void startServerAndAgent() throws IOException {
    workspace = new Workspace("data-dir-permissions");
    tmp = workspace.path("tmp");
    Files.createDirectories(tmp);
    Map<String, String> ownTmp = Map.of("SIGNET_JAVA_OPTS", "-Djava.io.tmpdir=" + tmp, "TMPDIR", tmp.toString());
    server = new SignetServer(workspace).withEnvironment(ownTmp).start();
    server.createEntryOverGrpc(NODE, SignetServer.id("/workload/perms"), "unix:uid:" + Uids.current());
    agent = new SignetAgent(workspace, server, "a").withEnvironment(ownTmp).attestAndStart(NODE);
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void bothDaemonsRunWithARestrictiveUmaskAndKeepOnlyOwnerOnlyFiles() throws Exception {
    assertThat(umask(server.process().pid())).isEqualTo("0027");
    assertThat(umask(agent.process().pid())).isEqualTo("0027");
    // without -spiffeID: with it, the node alias entry's parent ID names the token (join_token/<token>, as
    // SPIRE's agent IDs do), and only the file modes keep that entry from other users
    String unused = server.admin("token", "generate").requireOk().stdout().strip().substring("Token: ".length());
    assertThat(server.stop()).isZero();
    assertThat(agent.stop()).isZero();

    for (Path dataDir : List.of(server.dataDir(), agent.dataDir())) {
      assertThat(mode(dataDir)).as(dataDir.toString()).isEqualTo("rwx------");
      try (Stream<Path> files = Files.walk(dataDir)) {
        assertThat(files.filter(f -> !f.equals(dataDir)).toList()).isNotEmpty().allSatisfy(f ->
            assertThat(mode(f)).as(f.toString()).isEqualTo(Files.isDirectory(f) ? "rwx------" : "rw-------"));
      }
    }
    try (Stream<Path> files = Files.list(server.dataDir())) {
      assertThat(files.filter(f -> f.getFileName().toString().startsWith("datastore.sqlite3")).toList()).isNotEmpty()
          .allSatisfy(f -> assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1))
              .as(f.toString()).doesNotContain(unused));
    }
  }

  @Test
  void neitherDaemonWritesToItsTemporaryDirectory() throws Exception {
    // the native libraries of ACCP, Netty and SQLite load from lib/native: nothing is unpacked to a temporary file
    // that the process then maps as code (and that another local user could race to replace)
    // looked at while both run: a library extracted there is deleted again when the JVM exits normally
    agent.fetchX509(null).requireOk();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.toList()).isEmpty();
    }
  }

  @Test
  void aServerWhoseDataDirIsOpenToOthersRefusesToStart() throws Exception {
    assertThat(server.stop()).isZero();
    Files.setPosixFilePermissions(server.dataDir(), PosixFilePermissions.fromString("rwxr-xr-x"));

    RunningProcess refused = workspace.start("server-refused",
        List.of(Distribution.get().serverBin(), "run", "-config", server.configFile().toString()));

    assertThat(refused.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(refused.tail(20).lines().filter(l -> l.startsWith("Error:")).toList()).containsExactly(
        "Error: data_dir \"" + server.dataDir() + "\" is open to group or others: \"" + server.dataDir()
            + "\" is 0755 (rwxr-xr-x); run \"chmod go-rwx " + server.dataDir()
            + "\", or set allow_insecure_data_dir_permissions = true in the server block to start anyway");
  }

  /** The {@code Umask:} line of {@code /proc/<pid>/status}: the process's own umask, as the kernel has it. */
  private static String umask(long pid) throws IOException {
    return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
        .filter(l -> l.startsWith("Umask:")).map(l -> l.substring("Umask:".length()).strip())
        .findFirst().orElseThrow();
  }
}
