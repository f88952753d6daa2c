package dev.signet.agent.state;

import dev.signet.common.bundle.PemCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * Persists the {@link AgentState} under {@code data_dir}: {@code agent_svid.pem} (chain),
 * {@code agent_svid.key} (PKCS#8), {@code bundle.pem} (roots) and {@code reattestable}, every one mode
 * 0600 (the data dir is the agent's alone). Every file is written to a temporary file, created 0600 before
 * any byte is written, and moved into place atomically, so a crash never leaves a half-written or
 * world-readable key.
 *
 * <p>With {@code KeyManager "memory"} the store is {@linkplain #memory() in memory only}: a restarted agent
 * attests again, as SPIRE's memory key manager does.
 */
public final class AgentStateStore {
  private static final String SVID = "agent_svid.pem";
  private static final String KEY = "agent_svid.key";
  private static final String BUNDLE = "bundle.pem";
  private static final String REATTESTABLE = "reattestable";

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
   * The secret files a store in {@code dir} keeps (the agent SVID's private key), for the start-up check
   * of their modes; the certificates and the flag are not secret.
   */
  public static List<Path> secretFiles(Path dir) {
    return List.of(dir.resolve(KEY));
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
    Path svid = dir.resolve(SVID);
    Path key = dir.resolve(KEY);
    if (!Files.exists(svid) || !Files.exists(key)) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> chain = PemCodec.decodeCertificates(Files.readString(svid));
      PrivateKey privateKey = PemCodec.decodePrivateKey(Files.readString(key));
      Path bundleFile = dir.resolve(BUNDLE);
      List<X509Certificate> bundle = Files.exists(bundleFile)
          ? PemCodec.decodeCertificates(Files.readString(bundleFile)) : List.of();
      boolean reattestable = Files.exists(dir.resolve(REATTESTABLE))
          && Files.readString(dir.resolve(REATTESTABLE)).strip().equals("true");
      return Optional.of(new AgentState(chain, privateKey, bundle, reattestable));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read agent state in " + dir, e);
    }
  }

  /** Stores {@code state}, replacing what was there. */
  public void save(AgentState state) {
    memory = state;
    if (dir == null) {
      return;
    }
    try {
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      write(KEY, PemCodec.encodePrivateKey(state.privateKey()), "rw-------");
      write(SVID, PemCodec.encodeCertificates(state.svidChain()), "rw-------");
      write(BUNDLE, PemCodec.encodeCertificates(state.bundle()), "rw-------");
      write(REATTESTABLE, Boolean.toString(state.reattestable()), "rw-------");
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
      for (String name : List.of(SVID, KEY, REATTESTABLE)) {
        Files.deleteIfExists(dir.resolve(name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear agent state in " + dir, e);
    }
  }

  private void write(String name, String content, String mode) throws IOException {
    Path tmp = Files.createTempFile(dir, "." + name, ".tmp", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString(mode)));
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
