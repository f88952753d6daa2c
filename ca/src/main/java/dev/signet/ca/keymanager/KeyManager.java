package dev.signet.ca.keymanager;

import dev.signet.common.crypto.KeyType;
import java.util.Optional;

/**
 * SPIRE's KeyManager plugin type: makes and keeps the CA's signing keys under stable IDs (such as
 * {@code x509-CA-A}). Keys stay in memory as key objects; implementations may also persist them.
 * Implementations are thread-safe.
 */
public interface KeyManager {
  /** The plugin name, e.g. {@code memory} or {@code disk}. */
  String name();

  /** Generates a fresh key under {@code id}, replacing any key that had that ID. */
  ManagedKey generateKey(String id, KeyType type);

  /** The key with this ID, if any. */
  Optional<ManagedKey> getKey(String id);
}
