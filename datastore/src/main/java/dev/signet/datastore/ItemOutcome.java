package dev.signet.datastore;

import java.util.Objects;

/**
 * What became of one item of a batch write: the stored record, or the failure that left it out while the
 * batch's other items were stored.
 */
public record ItemOutcome<T>(T stored, DataStoreException failure) {
  public ItemOutcome {
    if ((stored == null) == (failure == null)) {
      throw new IllegalArgumentException("an outcome is either a stored record or a failure");
    }
  }

  public static <T> ItemOutcome<T> stored(T record) {
    return new ItemOutcome<>(Objects.requireNonNull(record, "record"), null);
  }

  public static <T> ItemOutcome<T> failed(DataStoreException failure) {
    return new ItemOutcome<>(null, Objects.requireNonNull(failure, "failure"));
  }
}
