package dev.signet.ca.keymanager;

import dev.signet.common.crypto.KeyType;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Objects;

/**
 * A key held by a {@link KeyManager}: its ID, type and key objects. Kept as decoded key objects so signing
 * never re-parses key material. {@link #toString()} never prints the private key.
 */
public record ManagedKey(String id, KeyType type, KeyPair keyPair) {
  public ManagedKey {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("key id is missing");
    }
    Objects.requireNonNull(type, "key \"" + id + "\" has no type");
    Objects.requireNonNull(keyPair, "key \"" + id + "\" has no key pair");
    Objects.requireNonNull(keyPair.getPublic(), "key \"" + id + "\" has no public key");
    Objects.requireNonNull(keyPair.getPrivate(), "key \"" + id + "\" has no private key");
  }

  public PublicKey publicKey() {
    return keyPair.getPublic();
  }

  public PrivateKey privateKey() {
    return keyPair.getPrivate();
  }

  @Override
  public String toString() {
    return "ManagedKey[id=" + id + ", type=" + type + "]";
  }
}
