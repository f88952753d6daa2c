package dev.signet.server;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.common.files.InsecurePermissionsException;
import dev.signet.common.files.ProcessUmask;
import dev.signet.datastore.JoinToken;
import dev.signet.server.cli.ServerMain;
import dev.signet.server.config.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's data_dir at rest: started in process on a fresh directory under the most permissive umask,
 * everything it writes there (SQLite store, CA keys, audit trail) is owner-only; an existing directory or
 * store open to others is refused, unless the operator opts out.
 */
class DataDirFilesTest {
  @TempDir Path temp;
  private Path dataDir;
  private int savedUmask;

  @BeforeEach
  void permissiveUmask() {
    dataDir = temp.resolve("var/lib/signet");
    savedUmask = ProcessUmask.set(0);
  }

  @AfterEach
  void restoreUmask() {
    ProcessUmask.set(savedUmask);
  }

  private String conf(String extra) {
    return MinimalServerConf.text(temp.resolve("sock/api.sock"), dataDir, extra);
  }

  private ServerConfig config(String extra) {
    return MinimalServerConf.config(temp.resolve("sock/api.sock"), dataDir, extra);
  }

  @Test
  void everythingTheServerKeepsInItsDataDirIsOwnerOnly() throws Exception {
    try (SignetServer server = SignetServer.start(config(""), Clock.systemUTC())) {
      server.dataStore().createJoinToken(new JoinToken("a-token", Instant.now().plusSeconds(600)));
    }

    assertThat(mode(dataDir)).isEqualTo("rwx------");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dataDir)) {
      files = walk.filter(p -> !p.equals(dataDir)).toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("datastore.sqlite3", "keys.json", "audit.log");
    assertThat(files).allSatisfy(f ->
        assertThat(mode(f)).as(f.toString()).isEqualTo(Files.isDirectory(f) ? "rwx------" : "rw-------"));
  }

  @Test
  void anExistingStoreReadableByOthersIsRefusedUnlessTheOperatorOptsOut() throws Exception {
    SignetServer.start(config(""), Clock.systemUTC()).close();
    Path store = dataDir.resolve("datastore.sqlite3");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> SignetServer.start(config(""), Clock.systemUTC()))
        .isInstanceOf(InsecurePermissionsException.class)
        .hasMessage("data_dir \"" + dataDir + "\" is open to group or others: \"" + store + "\" is 0644 (rw-r--r--); "
            + "run \"chmod go-rwx " + store + "\", or set allow_insecure_data_dir_permissions = true in the server "
            + "block to start anyway");

    SignetServer.start(config("allow_insecure_data_dir_permissions = true"), Clock.systemUTC()).close();
    assertThat(mode(store)).isEqualTo("rw-r--r--");
  }

  @Test
  void keysReadableByTheGroupAreRefused() throws Exception {
    SignetServer.start(config(""), Clock.systemUTC()).close();
    Path keys = dataDir.resolve("keys.json");
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r-----"));

    assertThatThrownBy(() -> SignetServer.start(config(""), Clock.systemUTC()))
        .isInstanceOf(InsecurePermissionsException.class)
        .hasMessageContaining("\"" + keys + "\" is 0640 (rw-r-----)");
  }

  @Test
  void anAuditKeyReadableByOthersIsRefused() throws Exception {
    SignetServer.start(config(""), Clock.systemUTC()).close();
    Path key = dataDir.resolve("audit.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> SignetServer.start(config(""), Clock.systemUTC()))
        .isInstanceOf(InsecurePermissionsException.class)
        .hasMessageContaining("\"" + key + "\" is 0644 (rw-r--r--)");
  }

  @Test
  void runRefusesAnOpenDataDirWithOneLineAndExitCodeOne() throws Exception {
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path confFile = Files.writeString(temp.resolve("server.conf"), conf(""));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream savedErr = System.err;
    int exit;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      exit = ServerMain.commandLine().execute("run", "-config", confFile.toString());
    } finally {
      System.setErr(savedErr);
    }

    assertThat(exit).isEqualTo(1);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).anyMatch(l -> l.contains("umask 0000 is too permissive; setting umask 0027"));
    assertThat(lines).filteredOn(l -> !l.contains(" INFO ")).containsExactly("Error: data_dir \"" + dataDir
        + "\" is open to group or others: \"" + dataDir + "\" is 0755 (rwxr-xr-x); run \"chmod go-rwx " + dataDir
        + "\", or set allow_insecure_data_dir_permissions = true in the server block to start anyway");
    assertThat(ProcessUmask.set(0)).isEqualTo(0027); // run raised the test's umask 0 to SPIRE's floor
  }
}
