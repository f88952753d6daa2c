package dev.signet.attestors.workload.unix;

import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.ProcessStatus;
import dev.signet.attestors.workload.UserDirectory;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.common.spiffe.Selector;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SPIRE's {@code unix} workload attestor: selectors from the process's credentials and, when configured,
 * from its binary.
 *
 * <p>Selectors, in this order: {@code uid:N} and {@code user:NAME} from the <em>effective</em> user ID,
 * {@code gid:N} and {@code group:NAME} from the effective group ID (as SPIRE does: the effective IDs are
 * what the process is acting as), then {@code supplementary_gid:N} and {@code supplementary_group:NAME}
 * per supplementary group; with {@code discover_workload_path}, {@code path:/abs/path} (the
 * {@code /proc/<pid>/exe} link target) and {@code sha256:HEX}. Names come from the {@link UserDirectory};
 * an ID without a name simply has no name selector.
 */
public final class UnixWorkloadAttestor implements WorkloadAttestor {
  /** SPIRE's plugin name, and the selector type. */
  public static final String NAME = "unix";
  /** The built-in as its catalog knows it; see {@link UnixAttestorConfig}. */
  public static final PluginDescriptor<?, WorkloadAttestorDependencies, WorkloadAttestor> DESCRIPTOR =
      new BuiltIn<UnixAttestorConfig, WorkloadAttestorDependencies, WorkloadAttestor>(NAME,
          (data, core) -> UnixAttestorConfig.from(data),
          (config, deps) -> new UnixWorkloadAttestor(config, deps.proc(), deps.directory()));

  private final UnixAttestorConfig config;
  private final ProcFs proc;
  private final UserDirectory directory;

  public UnixWorkloadAttestor(UnixAttestorConfig config, ProcFs proc, UserDirectory directory) {
    this.config = config;
    this.proc = proc;
    this.directory = directory;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Selector> attest(int pid) throws WorkloadAttestationException {
    try {
      return selectors(pid);
    } catch (WorkloadAttestationException e) {
      throw new WorkloadAttestationException(e.kind(), NAME + ": " + e.getMessage(), e);
    }
  }

  private List<Selector> selectors(int pid) throws WorkloadAttestationException {
    ProcessStatus status = proc.status(pid);
    List<Selector> selectors = new ArrayList<>();
    int uid = status.effectiveUid();
    selectors.add(selector("uid", Integer.toUnsignedString(uid)));
    userName(uid).ifPresent(name -> selectors.add(selector("user", name)));
    int gid = status.effectiveGid();
    selectors.add(selector("gid", Integer.toUnsignedString(gid)));
    groupName(gid).ifPresent(name -> selectors.add(selector("group", name)));
    for (int supplementary : status.supplementaryGids()) {
      selectors.add(selector("supplementary_gid", Integer.toUnsignedString(supplementary)));
      groupName(supplementary).ifPresent(name -> selectors.add(selector("supplementary_group", name)));
    }
    if (config.discoverWorkloadPath()) {
      selectors.add(selector("path", proc.executablePath(pid).toString()));
      if (config.hashesBinaries()) {
        selectors.add(selector("sha256", hash(pid)));
      }
    }
    return List.copyOf(selectors);
  }

  private String hash(int pid) throws WorkloadAttestationException {
    Path binary = proc.executableFile(pid);
    return BinaryDigest.sha256Hex(binary, config.workloadSizeLimit());
  }

  private Optional<String> userName(int uid) throws WorkloadAttestationException {
    try {
      return directory.userName(uid);
    } catch (UncheckedIOException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "user lookup: " + e.getMessage(), e);
    }
  }

  private Optional<String> groupName(int gid) throws WorkloadAttestationException {
    try {
      return directory.groupName(gid);
    } catch (UncheckedIOException e) {
      throw new WorkloadAttestationException(Kind.UNAVAILABLE, "group lookup: " + e.getMessage(), e);
    }
  }

  private static Selector selector(String key, String value) {
    return new Selector(NAME, key + ":" + value);
  }
}
