package dev.signet.controller.reconcile;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code status.stats} of a {@code ClusterSPIFFEID}, with spire-controller-manager's field names. Counted by one
 * reconcile pass (planning, then applying).
 */
public final class SpiffeIdStats {
  int namespacesSelected;
  int namespacesIgnored;
  int podsSelected;
  int podEntryRenderFailures;
  int entriesMasked;
  int entriesToSet;
  int entryFailures;

  void entryFailed() {
    entryFailures++;
  }

  /** How many declared entries could not be created or updated (conflicts included). */
  public int entryFailures() {
    return entryFailures;
  }

  /** How many entries this resource is the preferred declarer of. */
  public int entriesToSet() {
    return entriesToSet;
  }

  /** How many of its entries another, older resource also declares. */
  public int entriesMasked() {
    return entriesMasked;
  }

  /** How many pods failed to render. */
  public int podEntryRenderFailures() {
    return podEntryRenderFailures;
  }

  /** How many pods were selected. */
  public int podsSelected() {
    return podsSelected;
  }

  /** The {@code status} object to write. */
  public Map<String, Object> toStatus() {
    Map<String, Object> stats = new LinkedHashMap<>();
    stats.put("namespacesSelected", namespacesSelected);
    stats.put("namespacesIgnored", namespacesIgnored);
    stats.put("podsSelected", podsSelected);
    stats.put("podEntryRenderFailures", podEntryRenderFailures);
    stats.put("entriesMasked", entriesMasked);
    stats.put("entriesToSet", entriesToSet);
    stats.put("entryFailures", entryFailures);
    return Map.of("stats", stats);
  }
}
