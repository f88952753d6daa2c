package dev.signet.attestors.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcUserDirectoryTest {
  @TempDir Path temp;

  @Test
  void namesIdsFirstEntryWinsAndReloadsOnChange() throws Exception {
    Path passwd = Files.writeString(temp.resolve("passwd"),
        "# comment\nroot:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\nalias:x:1000:1000::/:/bin/sh\nbroken:x:notanumber:0::/:\n");
    Path group = Files.writeString(temp.resolve("group"), "root:x:0:\nstaff:x:50:alice\n");
    EtcUserDirectory directory = new EtcUserDirectory(passwd, group);

    assertThat(directory.userName(0)).contains("root");
    assertThat(directory.userName(1000)).contains("alice");
    assertThat(directory.userName(4242)).isEmpty();
    assertThat(directory.groupName(50)).contains("staff");

    Files.writeString(passwd, "bob:x:1000:1000::/home/bob:/bin/sh\n");
    Files.setLastModifiedTime(passwd, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(directory.userName(1000)).contains("bob");
  }

  @Test
  void missingFilesNameNobody() {
    EtcUserDirectory directory = new EtcUserDirectory(temp.resolve("nope"), temp.resolve("nope2"));
    assertThat(directory.userName(0)).isEmpty();
    assertThat(directory.groupName(0)).isEmpty();
  }
}
