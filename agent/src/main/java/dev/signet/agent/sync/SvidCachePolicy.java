package dev.signet.agent.sync;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which authorized entries the agent holds X509-SVIDs for under {@code x509_svid_cache_max_size}, as
 * SPIRE's LRU SVID cache does. When the agent is authorized for no more entries than the cap, it holds an
 * SVID for every one. Otherwise, in this order:
 * <ol>
 *   <li>entries an open Workload API stream is serving, and entries a workload demanded because it
 *       matched them while they had no SVID: always, even beyond the cap (a soft limit, like SPIRE's), so
 *       no open stream loses its identity and a waiting caller is answered;</li>
 *   <li>entries served to a workload, most recently served first, up to the cap;</li>
 *   <li>the remaining entries in the order the server listed them, up to the cap.</li>
 * </ol>
 * Entries left out are pending: the first workload that matches one demands its SVID and gets it from the
 * next sync, which the demand triggers at once.
 */
final class SvidCachePolicy {
  private final int maxSize;

  SvidCachePolicy(int maxSize) {
    if (maxSize < 1) {
      throw new IllegalArgumentException("x509_svid_cache_max_size " + maxSize + " must be at least 1");
    }
    this.maxSize = maxSize;
  }

  int maxSize() {
    return maxSize;
  }

  /**
   * The IDs of the entries to hold SVIDs for.
   *
   * @param entries the authorized entries, in server order
   * @param pinned entries served by open streams or demanded by waiting callers
   * @param lastServed when each entry was last served (larger is more recent)
   */
  Set<String> choose(List<AuthorizedEntry> entries, Set<String> pinned, Map<String, Long> lastServed) {
    Set<String> chosen = new LinkedHashSet<>();
    if (entries.size() <= maxSize) {
      entries.forEach(e -> chosen.add(e.id()));
      return chosen;
    }
    List<AuthorizedEntry> served = new ArrayList<>();
    for (AuthorizedEntry entry : entries) {
      if (pinned.contains(entry.id())) {
        chosen.add(entry.id());
      } else if (lastServed.containsKey(entry.id())) {
        served.add(entry);
      }
    }
    served.sort(Comparator.comparingLong((AuthorizedEntry e) -> lastServed.get(e.id())).reversed());
    for (AuthorizedEntry entry : served) {
      if (chosen.size() >= maxSize) {
        return chosen;
      }
      chosen.add(entry.id());
    }
    for (AuthorizedEntry entry : entries) {
      if (chosen.size() >= maxSize) {
        break;
      }
      chosen.add(entry.id());
    }
    return chosen;
  }
}
