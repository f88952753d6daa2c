package dev.signet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lintian finds nothing in the three .deb packages: no error, no warning, nothing but what their
 * lintian-overrides files (packaging/src/deb/*&#47;lintian-overrides, shipped in the packages, each override with
 * its reason) accept. Informational tags are not failures.
 */
class LintianTest {

  @Test
  void thePackagesAreLintianClean() {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("lintian"), "--tag-display-limit", "0"));
    for (String pkg : List.of("signet-common", "signet-server", "signet-agent")) {
      command.add(PackagingArtifacts.deb(pkg).toString());
    }
    CommandResult lintian = Distribution.run(Duration.ofMinutes(15), command);
    List<String> findings = Arrays.stream(lintian.stdout().split("\n"))
        .filter(line -> line.startsWith("E: ") || line.startsWith("W: ")).toList();
    assertEquals(List.of(), findings, lintian.toString());
  }
}
