package dev.signet.controller.reconcile;

import dev.signet.controller.crd.ClusterStaticEntrySpec;
import dev.signet.controller.crd.Owner;
import java.util.Objects;

/** A {@code ClusterStaticEntry} as read from the cluster. */
public record StaticEntryResource(Owner owner, ClusterStaticEntrySpec spec) {
  public StaticEntryResource {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(spec, "spec");
  }
}
