package dev.signet.controller.reconcile;

import java.util.Map;

/** {@code status} of a {@code ClusterStaticEntry}: rendered, masked by an older declaration, set on the server. */
public final class StaticEntryStatus {
  boolean rendered;
  boolean masked;
  boolean set;

  public boolean rendered() {
    return rendered;
  }

  public boolean masked() {
    return masked;
  }

  public boolean set() {
    return set;
  }

  /** The {@code status} object to write. */
  public Map<String, Object> toStatus() {
    return Map.of("rendered", rendered, "masked", masked, "set", set);
  }
}
