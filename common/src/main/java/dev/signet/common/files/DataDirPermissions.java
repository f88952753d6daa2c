package dev.signet.common.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up guard of a daemon's {@code data_dir}, shared by server and agent. A missing directory is
 * created 0700. An existing one must give nothing to group or others (0700, or stricter), and each secret
 * file kept there (the datastore, the CA keys, the agent's key) nothing to them either (0600): a join
 * token or a private key that another local user can read lets that user become the node or the CA.
 * Otherwise the daemon refuses to start with one line naming every offending path, its mode and the
 * {@code chmod} that fixes it, unless the operator set {@code allow_insecure_data_dir_permissions} (then
 * the same line is logged at WARN and nothing is changed: the modes are the operator's choice).
 *
 * <p>Existing modes are never tightened silently: a store that was readable by others may have been read,
 * which the operator must learn. Symbolic links are followed for the directory (a data dir may be a link
 * to a volume) and for the files (the mode that matters is the target's).
 */
public final class DataDirPermissions {
  private static final Logger LOG = LoggerFactory.getLogger(DataDirPermissions.class);
  /** The config key, in the {@code server} and {@code agent} blocks, that lets a daemon start anyway. */
  public static final String OPT_OUT_KEY = "allow_insecure_data_dir_permissions";
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private final String block;
  private final boolean allowInsecure;

  /**
   * @param block the config block holding {@link #OPT_OUT_KEY}, {@code server} or {@code agent}, named in
   *     the message
   * @param allowInsecure the value of {@link #OPT_OUT_KEY}
   */
  public DataDirPermissions(String block, boolean allowInsecure) {
    this.block = Objects.requireNonNull(block, "block");
    this.allowInsecure = allowInsecure;
  }

  /**
   * Creates {@code dataDir} 0700 when missing, then checks it and the {@code secretFiles} that exist.
   *
   * @throws InsecurePermissionsException when a path gives group or others access and the operator did
   *     not opt out
   */
  public void prepare(Path dataDir, Collection<Path> secretFiles) throws IOException {
    if (!Files.exists(dataDir)) {
      OwnerOnly.createDirectories(dataDir);
    }
    if (!Files.isDirectory(dataDir)) {
      throw new IOException("data_dir \"" + dataDir + "\" is not a directory");
    }
    if (!OwnerOnly.supported()) {
      return;
    }
    List<String> offenders = new ArrayList<>();
    List<Path> paths = new ArrayList<>();
    check(dataDir, offenders, paths);
    for (Path file : secretFiles) {
      if (Files.exists(file)) {
        check(file, offenders, paths);
      }
    }
    if (offenders.isEmpty()) {
      return;
    }
    String message = "data_dir \"" + dataDir + "\" is open to group or others: " + String.join(", ", offenders)
        + "; run \"chmod go-rwx " + paths.stream().map(Path::toString).collect(Collectors.joining(" "))
        + "\", or set " + OPT_OUT_KEY + " = true in the " + block + " block to start anyway";
    if (!allowInsecure) {
      throw new InsecurePermissionsException(message);
    }
    LOG.warn("{} ({} is set: starting anyway)", message, OPT_OUT_KEY);
  }

  private static void check(Path path, List<String> offenders, List<Path> paths) throws IOException {
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
    if (mode.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      offenders.add("\"" + path + "\" is " + octal(mode) + " (" + PosixFilePermissions.toString(mode) + ")");
      paths.add(path);
    }
  }

  /** {@code mode} in octal, e.g. {@code 0644}. */
  static String octal(Set<PosixFilePermission> mode) {
    int bits = 0;
    for (PosixFilePermission p : mode) {
      bits |= 1 << (8 - p.ordinal());
    }
    return ProcessUmask.octal(bits);
  }
}
