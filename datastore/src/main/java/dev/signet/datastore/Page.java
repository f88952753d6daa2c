package dev.signet.datastore;

import java.util.List;
import java.util.Objects;

/**
 * One page of a listing. {@code nextPageToken} is empty when this is the last page; otherwise it is
 * passed back unchanged to fetch the next one.
 */
public record Page<T>(List<T> items, String nextPageToken) {
  public Page {
    items = List.copyOf(items);
    Objects.requireNonNull(nextPageToken, "nextPageToken");
  }

  /** True when no further page exists. */
  public boolean last() {
    return nextPageToken.isEmpty();
  }
}
