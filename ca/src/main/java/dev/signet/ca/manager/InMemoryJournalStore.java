package dev.signet.ca.manager;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** A journal that lives as long as this object: for {@code KeyManager "memory"} and tests. */
public final class InMemoryJournalStore implements JournalStore {
  private final AtomicReference<byte[]> journal = new AtomicReference<>();

  @Override
  public Optional<byte[]> load() {
    return Optional.ofNullable(journal.get()).map(byte[]::clone);
  }

  @Override
  public void save(byte[] bytes) {
    journal.set(bytes.clone());
  }
}
