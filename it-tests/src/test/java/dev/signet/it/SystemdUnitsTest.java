package dev.signet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped systemd units pass {@code systemd-analyze verify} and keep their {@code systemd-analyze
 * security} exposure, checked offline in a scratch root (the host's unit directory plus the units and
 * stand-ins for /usr/bin/signet-*), so no systemd needs to run and nothing is installed on the host. The
 * .deb test verifies the installed units again with the real binaries.
 */
class SystemdUnitsTest {
  private static final List<String> UNITS = List.of("signet-server.service", "signet-agent.service");
  private static Path root;

  @BeforeAll
  static void scratchRoot() throws IOException {
    root = Files.createTempDirectory("signet-units");
    Files.createDirectories(root.resolve("usr/bin"));
    Files.createDirectories(root.resolve("etc/systemd/system"));
    Files.createDirectories(root.resolve("lib/systemd"));
    Distribution.run(Duration.ofMinutes(1), List.of(Distribution.requireTool("cp"), "-a", "/lib/systemd/system",
        root.resolve("lib/systemd").toString())).requireOk();
    for (String bin : List.of("signet-server", "signet-agent")) {
      Path stub = Files.writeString(root.resolve("usr/bin").resolve(bin), "#!/bin/sh\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (String unit : UNITS) {
      Files.copy(PackagingArtifacts.unit(unit), root.resolve("etc/systemd/system").resolve(unit));
    }
  }

  @AfterAll
  static void removeRoot() {
    if (root != null) {
      Distribution.run(Duration.ofMinutes(1), List.of(Distribution.requireTool("rm"), "-rf", root.toString()));
    }
  }

  @Test
  void systemdAnalyzeVerifyPasses() {
    CommandResult verify = Distribution.run(Duration.ofMinutes(2), List.of(Distribution.requireTool("systemd-analyze"),
        "verify", "--root=" + root, UNITS.get(0), UNITS.get(1)));
    assertTrue(verify.ok() && verify.output().isBlank(), verify.toString());
  }

  @Test
  void exposureScoresStayWhereTheReadmeSaysTheyAre() {
    // README "Install": 1.1 for the server, 2.1 for the agent (its two capabilities and the full /proc)
    assertTrue(exposure("signet-server.service") <= 1.1, "server exposure rose");
    assertTrue(exposure("signet-agent.service") <= 2.1, "agent exposure rose");
  }

  @Test
  void theAgentKeepsOnlyTheCapabilitiesReadingOtherUsersProcNeeds() {
    SystemdUnit agent = SystemdUnit.parse(PackagingArtifacts.unit("signet-agent.service"));
    assertEquals("CAP_SYS_PTRACE CAP_DAC_READ_SEARCH", agent.value("CapabilityBoundingSet"));
    assertEquals("CAP_SYS_PTRACE CAP_DAC_READ_SEARCH", agent.value("AmbientCapabilities"));
    SystemdUnit server = SystemdUnit.parse(PackagingArtifacts.unit("signet-server.service"));
    assertEquals("", server.value("CapabilityBoundingSet"));
    for (SystemdUnit unit : List.of(agent, server)) {
      assertEquals("notify", unit.value("Type"));
      assertEquals("yes", unit.value("NoNewPrivileges"));
      assertEquals("strict", unit.value("ProtectSystem"));
      assertEquals("on-failure", unit.value("Restart"));
      // the JIT writes the code it runs: W+X memory must stay allowed
      assertFalse(unit.service().containsKey("MemoryDenyWriteExecute"), unit.file().toString());
    }
    assertEquals("/usr/bin/signet-agent run -config /etc/signet/agent.conf", agent.value("ExecStart"));
    assertEquals("signet-agent", agent.value("RuntimeDirectory"));
  }

  private static double exposure(String unit) {
    CommandResult security = Distribution.run(Duration.ofMinutes(2), List.of(
        Distribution.requireTool("systemd-analyze"), "security", "--offline=yes", "--root=" + root, unit));
    Matcher score = Pattern.compile("Overall exposure level for " + Pattern.quote(unit) + ": ([0-9.]+)")
        .matcher(security.output());
    assertTrue(score.find(), security.toString());
    return Double.parseDouble(score.group(1));
  }
}
