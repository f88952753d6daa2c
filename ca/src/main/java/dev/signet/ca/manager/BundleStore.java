package dev.signet.ca.manager;

import dev.signet.common.bundle.Bundle;
import java.util.function.UnaryOperator;

/**
 * The seam to the trust domain's own stored bundle. The CA manager adds every prepared authority through it
 * before activating that authority, and taints and revokes through it. The server backs it with its
 * datastore ({@code TrustBundles::updateOwn} has exactly this shape).
 */
@FunctionalInterface
public interface BundleStore {
  /** Applies {@code change} to the stored bundle, persists the result and returns it. */
  Bundle update(UnaryOperator<Bundle> change);
}
