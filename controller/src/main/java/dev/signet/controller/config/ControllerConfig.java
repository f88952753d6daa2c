package dev.signet.controller.config;

import dev.signet.common.spiffe.TrustDomain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checked configuration of signet-controller-manager (see {@link ControllerConfigLoader} for the file it comes
 * from, spire-controller-manager's {@code ControllerManagerConfig}).
 *
 * @param entryIdPrefix every entry the controller creates gets an id starting with it, and only entries whose id
 *     starts with it are ever updated or deleted: this is what keeps the controller's hands off entries made by
 *     {@code entry create}, by other clusters or by other controllers sharing the server
 */
public record ControllerConfig(
    TrustDomain trustDomain,
    String clusterName,
    String clusterDomain,
    List<Pattern> ignoreNamespaces,
    Duration gcInterval,
    Path serverSocketPath,
    String className,
    boolean watchClassless,
    String entryIdPrefix,
    boolean reconcileClusterSpiffeIds,
    boolean reconcileClusterStaticEntries,
    boolean reconcileClusterFederatedTrustDomains,
    String logLevel) {

  public ControllerConfig {
    Objects.requireNonNull(trustDomain, "trustDomain");
    if (clusterName == null || clusterName.isBlank()) {
      throw new IllegalArgumentException("clusterName is required");
    }
    Objects.requireNonNull(clusterDomain, "clusterDomain");
    ignoreNamespaces = List.copyOf(ignoreNamespaces);
    if (gcInterval.isNegative() || gcInterval.isZero()) {
      throw new IllegalArgumentException("gcInterval \"" + gcInterval + "\" must be positive");
    }
    Objects.requireNonNull(serverSocketPath, "spireServerSocketPath");
    className = className == null ? "" : className;
    if (entryIdPrefix == null || entryIdPrefix.isEmpty()) {
      throw new IllegalArgumentException("entryIDPrefix must not be empty");
    }
    Objects.requireNonNull(logLevel, "logLevel");
  }

  /** Whether a namespace is one of {@code ignoreNamespaces} (each a regular expression matching the whole name). */
  public boolean ignoresNamespace(String namespace) {
    return ignoreNamespaces.stream().anyMatch(p -> p.matcher(namespace).matches());
  }

  /**
   * Whether a resource with this {@code spec.className} is this controller's: with a className configured, resources
   * of that class (and classless ones if {@code watchClassless}); without one, only classless resources.
   */
  public boolean handlesClass(String resourceClass) {
    String of = resourceClass == null ? "" : resourceClass;
    if (className.isEmpty()) {
      return of.isEmpty();
    }
    return of.equals(className) || (watchClassless && of.isEmpty());
  }
}
