package dev.signet.ca.manager;

import java.util.Optional;

/**
 * Where the CA manager persists its journal (which authorities exist, in which slot and status). The bytes
 * are opaque to the store. Implementations must replace the journal atomically: after a crash, {@link #load}
 * returns either the previous or the new journal, never a mix.
 */
public interface JournalStore {
  /** The last saved journal, or empty when none was ever saved. */
  Optional<byte[]> load();

  /** Replaces the journal. */
  void save(byte[] journal);
}
