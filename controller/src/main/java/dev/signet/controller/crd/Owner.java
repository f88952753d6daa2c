package dev.signet.controller.crd;

import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;

/**
 * The custom resource an entry is declared by. When two resources declare the same entry, the preferred one is the
 * oldest (then the lower uid), as spire-controller-manager orders them; the others count it as masked.
 */
public record Owner(String kind, String name, String uid, Instant created) {
  /** Oldest first, uid as the tie-break. */
  public static final Comparator<Owner> PREFERENCE =
      Comparator.comparing(Owner::created).thenComparing(Owner::uid);

  public Owner {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    uid = uid == null ? "" : uid;
    created = created == null ? Instant.EPOCH : created;
  }

  @Override
  public String toString() {
    return kind + " \"" + name + "\"";
  }
}
