package dev.signet.attestors.node;

import dev.signet.common.svid.BundleSource;
import java.time.Clock;
import java.util.Optional;

/** Dependencies for creating server halves through their catalog in tests: no tokens, no bundles. */
public final class NodeAttestorTesting {
  private NodeAttestorTesting() {}

  /** A token store that knows no token, an empty bundle source and the system clock. */
  public static NodeAttestorDependencies dependencies() {
    return new NodeAttestorDependencies(token -> Optional.empty(), BundleSource.of(), Clock.systemUTC());
  }
}
