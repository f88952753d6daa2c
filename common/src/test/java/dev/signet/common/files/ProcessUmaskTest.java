package dev.signet.common.files;

import static dev.signet.common.testing.FileModes.mode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real libc umask of this test JVM, restored after each test. */
class ProcessUmaskTest {
  @TempDir Path dir;
  private int saved;

  @BeforeEach
  void save() {
    saved = ProcessUmask.set(0022);
  }

  @AfterEach
  void restore() {
    ProcessUmask.set(saved);
  }

  @Test
  void setReturnsThePreviousMaskAndGovernsNewFiles() throws Exception {
    assertThat(ProcessUmask.set(0)).isEqualTo(0022);
    Files.createFile(dir.resolve("open"));
    assertThat(ProcessUmask.set(0077)).isEqualTo(0);
    Files.createFile(dir.resolve("closed"));

    assertThat(mode(dir.resolve("open")))
        .isEqualTo("rw-rw-rw-");
    assertThat(mode(dir.resolve("closed")))
        .isEqualTo("rw-------");
  }

  @Test
  void restrictRaisesAPermissiveMaskToTheMinimum() throws Exception {
    ProcessUmask.set(0002);

    assertThat(ProcessUmask.restrict()).isEqualTo(0027);
    Files.createFile(dir.resolve("file"));
    assertThat(mode(dir.resolve("file")))
        .isEqualTo("rw-r-----");
  }

  @Test
  void restrictKeepsStricterBits() {
    ProcessUmask.set(0077);

    assertThat(ProcessUmask.restrict()).isEqualTo(0077);
    assertThat(ProcessUmask.set(0022)).isEqualTo(0077);
  }

  @Test
  void refusesBitsOutsideThePermissions() {
    assertThatThrownBy(() -> ProcessUmask.set(01000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("umask 1000 has bits outside 0777");
  }
}
