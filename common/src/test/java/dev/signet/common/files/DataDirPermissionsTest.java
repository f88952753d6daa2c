package dev.signet.common.files;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DataDirPermissionsTest {
  @TempDir Path tmp;
  private int savedUmask;

  @BeforeEach
  void permissiveUmask() {
    savedUmask = ProcessUmask.set(0); // what a careless service manager might leave
  }

  @AfterEach
  void restoreUmask() {
    ProcessUmask.set(savedUmask);
  }

  @Test
  void aMissingDataDirAndItsParentsAreCreatedOwnerOnlyWhateverTheUmask() throws Exception {
    Path dataDir = tmp.resolve("var/lib/signet");

    new DataDirPermissions("server", false).prepare(dataDir, List.of(dataDir.resolve("keys.json")));

    assertThat(mode(dataDir)).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("var/lib"))).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("var"))).isEqualTo("rwx------");
  }

  @Test
  void anOwnerOnlyDataDirWithOwnerOnlySecretsPasses() throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"), PosixFilePermissions.asFileAttribute(OwnerOnly.DIRECTORY));
    Path keys = Files.createFile(dataDir.resolve("keys.json"), OwnerOnly.fileAttribute());

    new DataDirPermissions("server", false).prepare(dataDir, List.of(keys, dataDir.resolve("absent")));

    assertThat(mode(dataDir)).isEqualTo("rwx------");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rwxr-xr-x", "rwxr-x---", "rwx---r-x", "rwx--x---", "rwx-----x", "rwxrwxrwx"})
  void anExistingDataDirOpenToGroupOrOthersIsRefusedWithTheFix(String open) throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString(open));

    assertThatThrownBy(() -> new DataDirPermissions("agent", false).prepare(dataDir, List.of()))
        .isInstanceOf(InsecurePermissionsException.class)
        .hasMessage("data_dir \"" + dataDir + "\" is open to group or others: \"" + dataDir + "\" is "
            + DataDirPermissions.octal(PosixFilePermissions.fromString(open)) + " (" + open + "); run \"chmod go-rwx "
            + dataDir + "\", or set allow_insecure_data_dir_permissions = true in the agent block to start anyway");
    assertThat(mode(dataDir)).isEqualTo(open); // never tightened behind the operator's back
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-r-----", "rw--w----", "rw-----w-", "rw----r--"})
  void aSecretFileOpenToGroupOrOthersIsRefused(String open) throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"), PosixFilePermissions.asFileAttribute(OwnerOnly.DIRECTORY));
    Path store = Files.createFile(dataDir.resolve("datastore.mv.db"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString(open));

    assertThatThrownBy(() -> new DataDirPermissions("server", false).prepare(dataDir, List.of(store)))
        .isInstanceOf(InsecurePermissionsException.class)
        .hasMessageContaining("\"" + store + "\" is " + DataDirPermissions.octal(PosixFilePermissions.fromString(open)))
        .hasMessageContaining("chmod go-rwx " + store + "\"")
        .hasMessageContaining("in the server block");
  }

  @Test
  void everyOffenderIsNamedInOneLine() throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path store = Files.createFile(dataDir.resolve("datastore.mv.db"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> new DataDirPermissions("server", false).prepare(dataDir, List.of(store)))
        .hasMessage("data_dir \"" + dataDir + "\" is open to group or others: \"" + dataDir
            + "\" is 0755 (rwxr-xr-x), \"" + store + "\" is 0644 (rw-r--r--); run \"chmod go-rwx " + dataDir + " "
            + store + "\", or set allow_insecure_data_dir_permissions = true in the server block to start anyway")
        .message().doesNotContain("\n");
  }

  @Test
  void theOptOutStartsWithTheModesUnchanged() throws Exception {
    Path dataDir = Files.createDirectory(tmp.resolve("data"));
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-x---"));
    Path store = Files.createFile(dataDir.resolve("datastore.mv.db"));
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-r-----"));

    new DataDirPermissions("server", true).prepare(dataDir, List.of(store));

    assertThat(mode(dataDir)).isEqualTo("rwxr-x---");
    assertThat(mode(store)).isEqualTo("rw-r-----");
  }

  @Test
  void aDataDirThatIsAFileIsRefused() throws Exception {
    Path file = Files.createFile(tmp.resolve("data"));

    assertThatThrownBy(() -> new DataDirPermissions("agent", false).prepare(file, List.of()))
        .hasMessage("data_dir \"" + file + "\" is not a directory");
  }

  @Test
  void restrictSetsAFileOwnerOnly() throws Exception {
    Path file = Files.createFile(tmp.resolve("trace"));
    assertThat(mode(file)).isEqualTo("rw-rw-rw-");

    OwnerOnly.restrict(file);

    assertThat(mode(file)).isEqualTo("rw-------");
  }
}
