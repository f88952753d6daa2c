package dev.signet.attestors.workload.systemd;

import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginData;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.attestors.workload.CgroupEntry;
import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.spiffe.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code WorkloadAttestor "systemd"}: the systemd unit a process belongs to, read from its cgroup (the
 * unified hierarchy {@code 0::}, else the {@code name=systemd} one): {@code systemd:id:<unit>} and, when the
 * unit file is found on systemd's unit search path, {@code systemd:fragment_path:<file>}. Units that only
 * group processes ({@code .slice}) and user sessions ({@code session-N.scope}) name no service and give no
 * selectors. This reads what systemd wrote into the cgroup tree instead of asking systemd over D-Bus, so it
 * works the same in a container that sees the host's cgroups and needs no bus socket.
 */
public final class SystemdWorkloadAttestor implements WorkloadAttestor {
  /** SPIRE's plugin name. */
  public static final String NAME = "systemd";
  /** The built-in as its catalog knows it: {@code plugin_data} gives the unit path. */
  public static final PluginDescriptor<?, WorkloadAttestorDependencies, WorkloadAttestor> DESCRIPTOR =
      new BuiltIn<List<Path>, WorkloadAttestorDependencies, WorkloadAttestor>(NAME,
          (data, core) -> unitPath(data), (unitPath, deps) -> new SystemdWorkloadAttestor(deps.proc(), unitPath));
  /** systemd's system unit search path, in its order of precedence. */
  public static final List<Path> DEFAULT_UNIT_PATH = List.of(Path.of("/etc/systemd/system"),
      Path.of("/run/systemd/system"), Path.of("/usr/local/lib/systemd/system"), Path.of("/usr/lib/systemd/system"),
      Path.of("/lib/systemd/system"));
  private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9:_.\\\\@-]+\\.(service|scope|socket|mount|timer)");
  private static final Pattern SESSION = Pattern.compile("session-[0-9a-z]+\\.scope");

  private final ProcFs proc;
  private final List<Path> unitPath;

  public SystemdWorkloadAttestor(ProcFs proc, List<Path> unitPath) {
    this.proc = proc;
    this.unitPath = List.copyOf(unitPath);
  }

  /** From {@code plugin_data}, which takes Signet's optional {@code unit_path} list. */
  public static SystemdWorkloadAttestor create(ConfigSection data, ProcFs proc) {
    return new SystemdWorkloadAttestor(proc, unitPath(data));
  }

  private static List<Path> unitPath(ConfigSection data) {
    List<String> configured = data.getList("unit_path");
    PluginData.requireNoUnknownKeys(data);
    return configured.isEmpty() ? DEFAULT_UNIT_PATH : configured.stream().map(Path::of).toList();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Selector> attest(int pid) throws WorkloadAttestationException {
    Optional<String> unit = unitOf(proc.cgroups(pid));
    if (unit.isEmpty()) {
      return List.of();
    }
    List<Selector> selectors = new ArrayList<>();
    selectors.add(new Selector(NAME, "id:" + unit.get()));
    fragmentPath(unit.get()).ifPresent(file -> selectors.add(new Selector(NAME, "fragment_path:" + file)));
    return selectors;
  }

  /** The innermost unit named in the systemd-managed cgroup path. */
  static Optional<String> unitOf(List<CgroupEntry> cgroups) {
    Optional<CgroupEntry> managed = cgroups.stream().filter(e -> e.hierarchyId() == 0).findFirst()
        .or(() -> cgroups.stream().filter(e -> e.controllers().contains("name=systemd")).findFirst());
    if (managed.isEmpty()) {
      return Optional.empty();
    }
    String[] segments = managed.get().path().split("/");
    for (int i = segments.length - 1; i >= 0; i--) {
      String segment = segments[i];
      if (UNIT.matcher(segment).matches()) {
        return SESSION.matcher(segment).matches() ? Optional.empty() : Optional.of(segment);
      }
    }
    return Optional.empty();
  }

  private Optional<Path> fragmentPath(String unit) {
    for (Path dir : unitPath) {
      Path file = dir.resolve(unit);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
      int at = unit.indexOf('@');
      if (at > 0) {
        Path template = dir.resolve(unit.substring(0, at + 1) + unit.substring(unit.lastIndexOf('.')));
        if (Files.isRegularFile(template)) {
          return Optional.of(template);
        }
      }
    }
    return Optional.empty();
  }
}
