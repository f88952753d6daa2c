package dev.signet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The .deb packages on this machine, as an administrator uses them: {@code dpkg -i} of signet-common,
 * signet-server and signet-agent; their files, modes, users, conffiles and enabled (not started) units; the
 * server and the agent started with the exact ExecStart= lines of the installed units, as their users and
 * with their capabilities ({@link SystemdUnit}: CI runs no systemd), joined by a token from the installed
 * CLI, READY=1 from each on a stand-in notify socket, an SVID fetched by another user through the installed
 * socket, STOPPING=1 from each on SIGTERM; then {@code dpkg --purge} leaves
 * nothing behind but the two system users (Debian policy keeps them). Needs root; purges in
 * {@link AfterAll} even when a step fails, so the shared machine is left clean.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebPackageEndToEndTest {
  private static final List<String> PACKAGES = List.of("signet-common", "signet-server", "signet-agent");
  private static final Path SERVER_UNIT = Path.of("/lib/systemd/system/signet-server.service");
  private static final Path AGENT_UNIT = Path.of("/lib/systemd/system/signet-agent.service");
  private static final String ADMIN_SOCKET = "/run/signet-server/private/api.sock";
  private static final String WORKLOAD_SOCKET = "/run/signet-agent/public/api.sock";
  /** Everything the packages (or the services they run) create; none may survive the purge. */
  private static final List<String> LEFTOVERS = List.of("/usr/lib/signet", "/etc/signet", "/var/lib/signet",
      "/usr/bin/signet-server", "/usr/bin/signet-agent", SERVER_UNIT.toString(), AGENT_UNIT.toString(),
      "/etc/systemd/system/multi-user.target.wants/signet-server.service",
      "/etc/systemd/system/multi-user.target.wants/signet-agent.service",
      "/etc/systemd/system/signet-server.service", "/etc/systemd/system/signet-agent.service",
      "/usr/share/doc/signet-common", "/usr/share/doc/signet-server", "/usr/share/doc/signet-agent",
      "/usr/share/man/man1/signet-server.1.gz", "/usr/share/man/man1/signet-agent.1.gz",
      "/usr/share/bash-completion/completions/signet-server", "/usr/share/bash-completion/completions/signet-agent",
      "/run/signet-server", "/run/signet-agent");

  /** A stand-in for systemd's notify socket: prints each datagram it receives on a line (python3). */
  private static final String NOTIFY_RECEIVER = String.join("\n",
      "import os, socket, sys",
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)",
      "s.bind(sys.argv[1])",
      "os.chmod(sys.argv[1], 0o777)",
      "while True:",
      "    print(s.recv(4096).decode(), flush=True)");

  private static Path logs;
  private static RunningProcess notifyReceiver;
  private static Path notifyDir;
  private static RunningProcess server;
  private static RunningProcess agent;

  @BeforeAll
  static void install() throws IOException {
    if (Uids.current() != 0) {
      throw new IllegalStateException("DebPackageEndToEndTest installs packages with dpkg and must run as root");
    }
    for (String pkg : PACKAGES) {
      if (installed(pkg)) {
        throw new IllegalStateException(pkg + " is already installed on this machine; this test installs and"
            + " purges it and will not touch an installation it did not make");
      }
    }
    logs = Files.createTempDirectory("signet-deb-logs");
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("dpkg"), "-i"));
    PACKAGES.forEach(pkg -> command.add(PackagingArtifacts.deb(pkg).toString()));
    run(Duration.ofMinutes(5), command).requireOk();
  }

  @AfterAll
  static void purge() {
    try {
      stopDaemons();
    } finally {
      if (notifyReceiver != null) {
        notifyReceiver.stop();
        run(Duration.ofMinutes(1), List.of(Distribution.requireTool("rm"), "-rf", notifyDir.toString()));
      }
      purgeWhatIsInstalled();
    }
  }

  private static void purgeWhatIsInstalled() {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("dpkg"), "--purge"));
    PACKAGES.stream().filter(DebPackageEndToEndTest::installed).forEach(command::add);
    if (command.size() > 2) {
      run(Duration.ofMinutes(5), command);
    }
    // what systemd would remove when the services stop
    run(Duration.ofMinutes(1), List.of(Distribution.requireTool("rm"), "-rf", "/run/signet-server", "/run/signet-agent"));
  }

  @Test
  @Order(1)
  void installsFilesUsersConffilesAndEnabledButStoppedUnits() throws IOException {
    assertEquals(Path.of("/usr/lib/signet/bin/signet-server"), Path.of("/usr/bin/signet-server").toRealPath());
    assertEquals(Path.of("/usr/lib/signet/bin/signet-agent"), Path.of("/usr/bin/signet-agent").toRealPath());
    assertTrue(Files.isExecutable(Path.of("/usr/lib/signet/runtime/bin/java")));
    assertTrue(Files.isRegularFile(Path.of("/usr/lib/signet/lib/ServerMain.jsa")));
    assertTrue(Files.isRegularFile(Path.of("/usr/lib/signet/lib/ServerDaemon.aot")));
    assertTrue(Files.isRegularFile(Path.of("/usr/lib/signet/lib/ServerCli.aot")));
    assertTrue(Files.isRegularFile(Path.of("/usr/lib/signet/lib/AgentCli.aot")));
    for (String role : List.of("server", "agent")) {
      // man finds the page by name, and the completion is where bash-completion looks for it
      assertEquals(Path.of("/usr/share/man/man1/signet-" + role + ".1.gz").toString(), run(Duration.ofSeconds(30),
          List.of(Distribution.requireTool("man"), "-w", "signet-" + role)).requireOk().stdout().strip());
      assertTrue(Files.isRegularFile(Path.of("/usr/share/bash-completion/completions/signet-" + role)));
    }
    for (String role : List.of("server", "agent")) {
      String user = "signet-" + role;
      String passwd = run(Duration.ofSeconds(10), List.of(Distribution.requireTool("getent"), "passwd", user))
          .requireOk().stdout().strip();
      String[] fields = passwd.split(":");
      assertTrue(Integer.parseInt(fields[2]) < 1000, "not a system user: " + passwd);
      assertEquals("/usr/sbin/nologin", fields[6], passwd);

      assertMode(Path.of("/etc/signet/" + role + ".conf"), "rw-r-----", "root", user);
      assertMode(Path.of("/var/lib/signet/" + role), "rwx------", user, user);
      String conffiles = run(Duration.ofSeconds(10), List.of(Distribution.requireTool("dpkg-query"), "-W",
          "-f=${Conffiles}", user)).requireOk().stdout();
      assertTrue(conffiles.contains("/etc/signet/" + role + ".conf"), conffiles);

      Path wants = Path.of("/etc/systemd/system/multi-user.target.wants/" + user + ".service");
      assertTrue(Files.isSymbolicLink(wants), "unit not enabled: " + wants);
      assertTrue(ProcessHandle.allProcesses().noneMatch(p -> p.info().user().orElse("").equals(user)),
          user + " runs a process right after install: the unit must not be started");
    }
    assertMode(Path.of("/var/lib/signet"), "rwxr-xr-x", "root", "root");
  }

  @Test
  @Order(2)
  void theInstalledUnitsVerify() {
    CommandResult verify = run(Duration.ofMinutes(2), List.of(Distribution.requireTool("systemd-analyze"), "verify",
        SERVER_UNIT.toString(), AGENT_UNIT.toString()));
    assertTrue(verify.ok() && verify.output().isBlank(), verify.toString());
  }

  @Test
  @Order(3)
  void serverAndAgentStartFromTheirUnitsAndServeAnSvidThroughTheInstalledSocket() throws IOException {
    int serverPort = Workspace.freePort();
    int healthPort = Workspace.freePort();
    editConfig("/etc/signet/server.conf", Map.of(
        "bind_port = \"8081\"", "bind_port = \"" + serverPort + "\"",
        "bind_port = \"8082\"", "bind_port = \"" + healthPort + "\""));
    // Type=notify: both daemons must report READY=1 (and STOPPING=1) to $NOTIFY_SOCKET themselves
    notifyDir = Files.createTempDirectory("signet-notify");
    Files.setPosixFilePermissions(notifyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path notifySocket = notifyDir.resolve("notify.sock");
    Path notified = notifyDir.resolve("received.txt");
    notifyReceiver = RunningProcess.start("notify-receiver", List.of(Distribution.requireTool("python3"), "-c",
        NOTIFY_RECEIVER, notifySocket.toString()), notified, Map.of());
    Poll.until("the notify socket", Duration.ofSeconds(30), () -> Files.exists(notifySocket));

    SystemdUnit serverUnit = SystemdUnit.parse(SERVER_UNIT);
    server = startAsSystemdWould("deb-server", serverUnit, notifySocket);
    Poll.until("the installed server to serve its admin socket", Duration.ofMinutes(3), () -> {
      assertTrue(server.isAlive(), () -> "the server exited:\n" + server.tail(40));
      return cli("signet-server", "healthcheck", "-socketPath", ADMIN_SOCKET).ok();
    });

    String token = cli("signet-server", "token", "generate", "-socketPath", ADMIN_SOCKET,
        "-spiffeID", "spiffe://example.org/deb-node").requireOk().stdout().strip().replaceFirst("^Token: ", "");
    cli("signet-server", "entry", "create", "-socketPath", ADMIN_SOCKET, "-parentID", "spiffe://example.org/deb-node",
        "-spiffeID", "spiffe://example.org/deb-workload", "-selector", "unix:uid:" + Uids.of("nobody")).requireOk();
    String bundle = cli("signet-server", "bundle", "show", "-socketPath", ADMIN_SOCKET).requireOk().stdout();
    Path bootstrap = Files.writeString(Path.of("/etc/signet/bootstrap.crt"), bundle);
    Files.setPosixFilePermissions(bootstrap, PosixFilePermissions.fromString("rw-r--r--"));
    editConfig("/etc/signet/agent.conf", Map.of(
        "server_port = \"8081\"", "server_port = \"" + serverPort + "\"",
        "# join_token = \"<token from signet-server token generate>\"", "join_token = \"" + token + "\""));

    SystemdUnit agentUnit = SystemdUnit.parse(AGENT_UNIT);
    assertTrue(agentUnit.value("ExecStart").contains("/etc/signet/agent.conf"));
    Poll.until("READY=1 from the server", Duration.ofMinutes(1), () -> count(notified, "READY=1") == 1);
    agent = startAsSystemdWould("deb-agent", agentUnit, notifySocket);
    // another user (nobody) reaches the socket in the agent's RuntimeDirectory and gets its SVID
    CommandResult fetched = Poll.value("an X.509 SVID through " + WORKLOAD_SOCKET, Duration.ofMinutes(3), () -> {
      assertTrue(agent.isAlive(), () -> "the agent exited:\n" + agent.tail(40));
      CommandResult fetch = run(Duration.ofMinutes(1), List.of(Distribution.requireTool("setpriv"), "--reuid=nobody",
          "--regid=nogroup", "--clear-groups", "/usr/bin/signet-agent", "api", "fetch", "x509", "-socketPath",
          WORKLOAD_SOCKET));
      return fetch.ok() ? java.util.Optional.of(fetch) : java.util.Optional.empty();
    });
    assertTrue(fetched.stdout().contains("spiffe://example.org/deb-workload"), fetched.toString());

    Poll.until("READY=1 from the agent", Duration.ofMinutes(1), () -> count(notified, "READY=1") == 2);
    assertMode(Path.of("/run/signet-agent"), "rwxr-xr-x", "signet-agent", "signet-agent");
    try (Stream<Path> state = Files.list(Path.of("/var/lib/signet/server"))) {
      assertTrue(state.findAny().isPresent(), "the server wrote no state");
    }
    stopDaemons();
    Poll.until("STOPPING=1 from both daemons", Duration.ofSeconds(30), () -> count(notified, "STOPPING=1") == 2);
  }

  private static long count(Path file, String line) {
    try {
      return Files.readAllLines(file).stream().filter(line::equals).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @Order(4)
  void purgeLeavesNothingButTheSystemUsers() throws IOException {
    stopDaemons();
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("dpkg"), "--purge"));
    command.addAll(PACKAGES);
    run(Duration.ofMinutes(5), command).requireOk();
    // systemd removes a RuntimeDirectory when its service stops; the test made them, the test removes them
    run(Duration.ofMinutes(1), List.of(Distribution.requireTool("rm"), "-rf", "/run/signet-server", "/run/signet-agent"));
    for (String pkg : PACKAGES) {
      assertFalse(installed(pkg), pkg + " still installed");
    }
    List<String> left = LEFTOVERS.stream().filter(p -> Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS)).toList();
    assertEquals(List.of(), left);
    for (String state : List.of("/var/lib/systemd/deb-systemd-helper-enabled", "/var/lib/systemd/deb-systemd-helper-masked")) {
      Path dir = Path.of(state);
      if (Files.isDirectory(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          assertEquals(List.of(), all.filter(p -> p.getFileName().toString().contains("signet")).toList());
        }
      }
    }
  }

  private static RunningProcess startAsSystemdWould(String name, SystemdUnit unit, Path notifySocket)
      throws IOException {
    String user = unit.value("User");
    String group = unit.value("Group");
    prepareDirectory(Path.of("/var/lib").resolve(unit.value("StateDirectory")), unit.value("StateDirectoryMode"), user, group);
    prepareDirectory(Path.of("/run").resolve(unit.value("RuntimeDirectory")), unit.value("RuntimeDirectoryMode"), user, group);
    List<String> command = unit.commandAsSystemdWould(Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8",
        "NOTIFY_SOCKET", notifySocket.toString()));
    return RunningProcess.start(name, command, logs.resolve(name + ".log"), Map.of());
  }

  /** A StateDirectory=/RuntimeDirectory= as systemd makes it: owned by the unit's user, with its mode. */
  private static void prepareDirectory(Path dir, String octalMode, String user, String group) throws IOException {
    Files.createDirectories(dir);
    run(Duration.ofSeconds(10), List.of(Distribution.requireTool("chown"), user + ":" + group, dir.toString())).requireOk();
    run(Duration.ofSeconds(10), List.of(Distribution.requireTool("chmod"), octalMode, dir.toString())).requireOk();
  }

  private static void editConfig(String file, Map<String, String> replacements) throws IOException {
    Path path = Path.of(file);
    String text = Files.readString(path);
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertTrue(text.contains(r.getKey()), file + " has no '" + r.getKey() + "'");
      text = text.replace(r.getKey(), r.getValue());
    }
    Files.writeString(path, text); // in place: owner, group and mode stay as the package set them
  }

  private static CommandResult cli(String bin, String... args) {
    List<String> command = new ArrayList<>(List.of("/usr/bin/" + bin));
    command.addAll(List.of(args));
    return run(Duration.ofMinutes(1), command);
  }

  private static void assertMode(Path path, String mode, String owner, String group) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    assertEquals(mode, PosixFilePermissions.toString(attributes.permissions()), path.toString());
    assertEquals(owner, attributes.owner().getName(), path + " owner");
    assertEquals(group, attributes.group().getName(), path + " group");
  }

  private static boolean installed(String pkg) {
    CommandResult status = run(Duration.ofSeconds(30), List.of(Distribution.requireTool("dpkg-query"), "-W",
        "-f=${db:Status-Status}", pkg));
    return status.ok() && !status.stdout().strip().equals("not-installed");
  }

  private static void stopDaemons() {
    for (RunningProcess process : new RunningProcess[] {agent, server}) {
      if (process != null && process.isAlive()) {
        Integer code = process.stop();
        assertTrue(code != null && (code == 0 || code == 143), process + " did not stop cleanly:\n" + process.tail(40));
      }
    }
  }

  private static CommandResult run(Duration timeout, List<String> command) {
    return Distribution.run(timeout, command);
  }
}
