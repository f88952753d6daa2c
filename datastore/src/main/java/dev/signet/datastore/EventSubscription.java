package dev.signet.datastore;

/**
 * A running subscription to a store's change notifications ({@link DataStore#subscribeToEvents}); closing it
 * stops them and releases what it holds (a PostgreSQL listener's connection and thread).
 */
public interface EventSubscription extends AutoCloseable {
  /** The subscription of a store that never notifies: its readers rely on their poll alone. */
  EventSubscription NONE = () -> {};

  @Override
  void close();
}
