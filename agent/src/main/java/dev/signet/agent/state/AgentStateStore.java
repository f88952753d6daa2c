package dev.signet.agent.state;

import dev.signet.common.bundle.PemCodec;
import dev.signet.common.files.AtomicFiles;
import dev.signet.common.json.JsonObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Persists the {@link AgentState} under {@code data_dir} as one file, {@code agent_state.json} (the SVID
 * chain, its PKCS#8 key and the bundle roots as PEM, and the re-attestation flag), replaced through
 * {@link AtomicFiles}: created 0600, forced to the device, renamed over the old one and the directory
 * forced. Key and SVID therefore always change together: an agent killed mid-rotation restarts with either
 * the old pair or the new one, never a new key beside an old certificate.
 *
 * <p>Agents of earlier releases kept four files ({@code agent_svid.pem}, {@code agent_svid.key},
 * {@code bundle.pem}, {@code reattestable}); they are read when no state file exists and removed once the
 * state has been saved in the new form.
 *
 * <p>With {@code KeyManager "memory"} the store is {@linkplain #memory() in memory only}: a restarted agent
 * attests again, as SPIRE's memory key manager does.
 */
public final class AgentStateStore {
  static final String STATE = "agent_state.json";
  /** The workload SVIDs the agent holds ({@code dev.signet.agent.sync.StoredSvids}), cleared with the state. */
  static final String SVID_CACHE = "svid_cache.json";
  private static final List<String> LEGACY = List.of("agent_svid.pem", "agent_svid.key", "bundle.pem",
      "reattestable");

  private final Path dir;
  private volatile AgentState memory;

  private AgentStateStore(Path dir) {
    this.dir = dir;
  }

  /** A store writing to {@code dir} (created 0700 when missing). */
  public static AgentStateStore disk(Path dir) {
    return new AgentStateStore(dir);
  }

  /**
   * The secret files a store in {@code dir} keeps (its state file, the workload SVIDs and their keys, and the key
   * file of the earlier four-file layout), for the start-up check of their modes.
   */
  public static List<Path> secretFiles(Path dir) {
    return List.of(dir.resolve(STATE), dir.resolve(SVID_CACHE), dir.resolve("agent_svid.key"));
  }

  /**
   * Where the workload SVIDs are kept beside the state; empty for a memory store, which keeps nothing across a
   * restart. {@link #clear()} deletes that file with the state.
   */
  public Optional<Path> svidCacheFile() {
    return Optional.ofNullable(dir).map(d -> d.resolve(SVID_CACHE));
  }

  /** A store that keeps the state in memory only. */
  public static AgentStateStore memory() {
    return new AgentStateStore(null);
  }

  /** The stored state, if a complete one exists. */
  public Optional<AgentState> load() {
    if (dir == null) {
      return Optional.ofNullable(memory);
    }
    try {
      Path state = dir.resolve(STATE);
      return Files.exists(state) ? Optional.of(decode(Files.readAllBytes(state))) : loadLegacy();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException("cannot read agent state in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Stores {@code state}, replacing what was there; once this returns the state is on the device. */
  public void save(AgentState state) {
    memory = state;
    if (dir == null) {
      return;
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      AtomicFiles.write(dir.resolve(STATE), encode(state));
      deleteAll(LEGACY);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write agent state to " + dir, e);
    }
  }

  /** Forgets the stored state (after a ban or an eviction the agent must attest afresh). */
  public void clear() {
    memory = null;
    if (dir == null) {
      return;
    }
    try {
      deleteAll(List.of(STATE, SVID_CACHE));
      deleteAll(LEGACY);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear agent state in " + dir, e);
    }
  }

  private void deleteAll(List<String> names) throws IOException {
    boolean deleted = false;
    for (String name : names) {
      deleted |= Files.deleteIfExists(dir.resolve(name));
    }
    if (deleted) {
      AtomicFiles.forceDirectory(dir);
    }
  }

  private static byte[] encode(AgentState state) {
    Map<String, Object> node = new LinkedHashMap<>();
    node.put("svid_chain", PemCodec.encodeCertificates(state.svidChain()));
    node.put("private_key", PemCodec.encodePrivateKey(state.privateKey()));
    node.put("bundle", PemCodec.encodeCertificates(state.bundle()));
    node.put("reattestable", state.reattestable());
    return JsonObjects.write(node);
  }

  private static AgentState decode(byte[] bytes) throws IOException {
    Map<String, Object> node = JsonObjects.parse(bytes);
    List<X509Certificate> chain = PemCodec.decodeCertificates(required(node, "svid_chain"));
    PrivateKey key = PemCodec.decodePrivateKey(required(node, "private_key"));
    List<X509Certificate> bundle = PemCodec.decodeCertificates(
        node.get("bundle") instanceof String pem ? pem : "");
    return new AgentState(chain, key, bundle, Boolean.TRUE.equals(node.get("reattestable")));
  }

  private static String required(Map<String, Object> node, String field) {
    if (!(node.get(field) instanceof String value)) {
      throw new IllegalArgumentException(STATE + " has no \"" + field + "\"");
    }
    return value;
  }

  /** The four-file layout of earlier releases, read once for migration. */
  private Optional<AgentState> loadLegacy() throws IOException {
    Path svid = dir.resolve("agent_svid.pem");
    Path key = dir.resolve("agent_svid.key");
    if (!Files.exists(svid) || !Files.exists(key)) {
      return Optional.empty();
    }
    List<X509Certificate> chain = PemCodec.decodeCertificates(Files.readString(svid, StandardCharsets.UTF_8));
    PrivateKey privateKey = PemCodec.decodePrivateKey(Files.readString(key, StandardCharsets.UTF_8));
    Path bundleFile = dir.resolve("bundle.pem");
    List<X509Certificate> bundle = Files.exists(bundleFile)
        ? PemCodec.decodeCertificates(Files.readString(bundleFile, StandardCharsets.UTF_8)) : List.of();
    Path flag = dir.resolve("reattestable");
    boolean reattestable = Files.exists(flag) && Files.readString(flag).strip().equals("true");
    return Optional.of(new AgentState(chain, privateKey, bundle, reattestable));
  }
}
