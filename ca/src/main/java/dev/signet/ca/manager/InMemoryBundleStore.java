package dev.signet.ca.manager;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.spiffe.TrustDomain;
import java.util.function.UnaryOperator;

/** A bundle kept in memory, for a standalone CA and tests. */
public final class InMemoryBundleStore implements BundleStore {
  private Bundle bundle;

  public InMemoryBundleStore(TrustDomain trustDomain) {
    this.bundle = Bundle.empty(trustDomain);
  }

  @Override
  public synchronized Bundle update(UnaryOperator<Bundle> change) {
    bundle = change.apply(bundle);
    return bundle;
  }

  /** The current bundle. */
  public synchronized Bundle current() {
    return bundle;
  }
}
