package dev.signet.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code [Service]} settings of a systemd unit file, and the command line that starts its
 * {@code ExecStart=} the way systemd would for what CI can reproduce without a running systemd: as the unit's
 * {@code User=}/{@code Group=} (setpriv), with its {@code UMask=}, its capability bounding and ambient sets,
 * {@code NoNewPrivileges=}, and a clean environment. The sandboxing options (ProtectSystem=, the seccomp
 * filter...) need systemd itself and are checked by {@code systemd-analyze} instead.
 */
public record SystemdUnit(Path file, Map<String, List<String>> service) {

  public SystemdUnit {
    service = Map.copyOf(service);
  }

  /** Parses {@code file}: every {@code Key=value} line of the {@code [Service]} section, in order. */
  public static SystemdUnit parse(Path file) {
    Map<String, List<String>> service = new LinkedHashMap<>();
    String section = "";
    try {
      for (String raw : Files.readAllLines(file)) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
          continue;
        }
        if (line.startsWith("[")) {
          section = line;
          continue;
        }
        int eq = line.indexOf('=');
        if (section.equals("[Service]") && eq > 0) {
          service.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read unit " + file, e);
    }
    return new SystemdUnit(file, service);
  }

  /** The single value of {@code key}, failing when the unit does not set it exactly once. */
  public String value(String key) {
    List<String> values = service.getOrDefault(key, List.of());
    if (values.size() != 1) {
      throw new AssertionError(file + ": expected one " + key + "=, found " + values);
    }
    return values.get(0);
  }

  /** The ExecStart= command split on spaces (our units quote nothing). */
  public List<String> execStart() {
    return List.of(value("ExecStart").split(" +"));
  }

  /** Capabilities of a space-separated list (CAP_SYS_PTRACE ...) in setpriv's syntax (+sys_ptrace,...). */
  private static String setprivCaps(String list) {
    List<String> caps = new ArrayList<>();
    for (String cap : list.strip().split(" +")) {
      if (!cap.isEmpty()) {
        caps.add("+" + cap.toLowerCase(java.util.Locale.ROOT).replaceFirst("^cap_", ""));
      }
    }
    return String.join(",", caps);
  }

  /**
   * The command that runs ExecStart= as systemd would (see the class comment), with {@code environment} as
   * the service's whole environment.
   */
  public List<String> commandAsSystemdWould(Map<String, String> environment) {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("setpriv"),
        "--reuid=" + value("User"), "--regid=" + value("Group"), "--init-groups"));
    if (value("NoNewPrivileges").equals("yes")) {
      command.add("--no-new-privs");
    }
    String ambient = setprivCaps(service.containsKey("AmbientCapabilities") ? value("AmbientCapabilities") : "");
    String bounding = setprivCaps(value("CapabilityBoundingSet"));
    command.add("--bounding-set=-all" + (bounding.isEmpty() ? "" : "," + bounding));
    command.add("--inh-caps=-all" + (ambient.isEmpty() ? "" : "," + ambient));
    if (!ambient.isEmpty()) {
      command.add("--ambient-caps=" + ambient);
    }
    command.add(Distribution.requireTool("env"));
    command.add("-i");
    environment.forEach((k, v) -> command.add(k + "=" + v));
    command.add(Distribution.requireTool("sh"));
    command.add("-c");
    command.add("umask " + value("UMask") + " && exec \"$@\"");
    command.add("sh");
    command.addAll(execStart());
    return command;
  }
}
