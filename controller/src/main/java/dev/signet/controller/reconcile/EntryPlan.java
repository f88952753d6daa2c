package dev.signet.controller.reconcile;

import dev.signet.controller.crd.Owner;
import dev.signet.proto.spire.api.types.Entry;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile pass does to the server: entries to create (ids not yet chosen), to update (carrying the id of
 * the owned entry they replace) and to delete (owned entries nothing declares any more), plus the conflicts (an
 * entry declared here whose key an entry the controller does not own already holds: left alone, reported) and the
 * per-resource status being counted.
 */
public record EntryPlan(
    List<Declared> toCreate,
    List<Declared> toUpdate,
    List<Entry> toDelete,
    List<Declared> conflicts,
    Map<Owner, SpiffeIdStats> spiffeIdStats,
    Map<Owner, StaticEntryStatus> staticStatus) {

  public EntryPlan {
    toCreate = List.copyOf(toCreate);
    toUpdate = List.copyOf(toUpdate);
    toDelete = List.copyOf(toDelete);
    conflicts = List.copyOf(conflicts);
    spiffeIdStats = Map.copyOf(spiffeIdStats);
    staticStatus = Map.copyOf(staticStatus);
  }

  /** Whether the pass changes nothing on the server. */
  public boolean inStep() {
    return toCreate.isEmpty() && toUpdate.isEmpty() && toDelete.isEmpty();
  }

  /** Records that a declared entry failed to be set (server refusal or conflict) on its owner's status. */
  public void failed(Owner owner) {
    SpiffeIdStats stats = spiffeIdStats.get(owner);
    if (stats != null) {
      stats.entryFailed();
    }
    StaticEntryStatus status = staticStatus.get(owner);
    if (status != null) {
      status.set = false;
    }
  }
}
