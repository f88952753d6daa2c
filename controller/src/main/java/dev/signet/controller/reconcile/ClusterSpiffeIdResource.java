package dev.signet.controller.reconcile;

import dev.signet.controller.crd.ClusterSpiffeIdSpec;
import dev.signet.controller.crd.Owner;
import java.util.Objects;

/** A {@code ClusterSPIFFEID} as read from the cluster: who it is and its spec as written. */
public record ClusterSpiffeIdResource(Owner owner, ClusterSpiffeIdSpec spec) {
  public ClusterSpiffeIdResource {
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(spec, "spec");
  }
}
