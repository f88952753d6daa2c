package dev.signet.common.files;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path temp;

  @Test
  void replacesTheFileWholeWithModeOwnerOnlyAndLeavesNoTemporaryFile() throws Exception {
    Path target = temp.resolve("state/keys.json");
    AtomicFiles.write(target, "first".getBytes());
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));

    AtomicFiles.write(target, "second".getBytes());

    assertThat(target).hasContent("second");
    assertThat(mode(target)).isEqualTo("rw-------");
    try (Stream<Path> files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void givesTheRequestedModeWhateverTheUmaskAndReplacesAReadOnlyFile() throws Exception {
    Path target = temp.resolve("svid.pem");
    AtomicFiles.write(target, "first".getBytes(), PosixFilePermissions.fromString("r--r--r--"));
    assertThat(mode(target)).isEqualTo("r--r--r--");

    AtomicFiles.write(target, "second".getBytes(), PosixFilePermissions.fromString("rw-r-----"));

    assertThat(target).hasContent("second");
    assertThat(mode(target)).isEqualTo("rw-r-----");
    try (Stream<Path> files = Files.list(temp)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void forcingADirectoryWorksOnThisPlatform() throws Exception {
    AtomicFiles.forceDirectory(temp);
  }
}
