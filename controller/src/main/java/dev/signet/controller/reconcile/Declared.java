package dev.signet.controller.reconcile;

import dev.signet.controller.crd.Owner;
import dev.signet.proto.spire.api.types.Entry;
import java.util.Objects;

/** An entry a custom resource declares. */
public record Declared(Entry entry, Owner owner) {
  public Declared {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(owner, "owner");
  }
}
