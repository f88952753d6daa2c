package dev.signet.server.oidc;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code domains} check: a request is served only when the host it names is listed. The host is the first
 * {@code X-Forwarded-Host} value when a proxy set one, else {@code Host}, without its port; names compare
 * case-insensitively. This keeps the provider from writing an attacker-chosen host into the issuer and
 * {@code jwks_uri} of the document it serves (and that caches downstream may keep).
 */
public final class DomainPolicy {
  private final Set<String> domains;

  public DomainPolicy(List<String> domains) {
    this.domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
  }

  /** The host:port the request named (forwarded host first), or empty when it named none. */
  public static Optional<String> requestedHost(Optional<String> forwardedHost, Optional<String> host) {
    Optional<String> forwarded = forwardedHost.map(v -> v.split(",", 2)[0].strip()).filter(v -> !v.isEmpty());
    return forwarded.isPresent() ? forwarded : host.map(String::strip).filter(v -> !v.isEmpty());
  }

  /** The domain of a {@code host[:port]} or {@code [v6][:port]} value. */
  static String domainOf(String hostAndPort) {
    if (hostAndPort.startsWith("[")) {
      int end = hostAndPort.indexOf(']');
      return end < 0 ? hostAndPort : hostAndPort.substring(1, end);
    }
    int colon = hostAndPort.indexOf(':');
    return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
  }

  /** Empty when {@code hostAndPort} names an allowed domain, else the reason to refuse (lower-case, quoted). */
  public Optional<String> refusal(Optional<String> hostAndPort) {
    if (hostAndPort.isEmpty()) {
      return Optional.of("the request names no host");
    }
    String domain = domainOf(hostAndPort.get());
    return domains.contains(domain.toLowerCase(Locale.ROOT)) ? Optional.empty()
        : Optional.of("domain \"" + domain + "\" is not allowed");
  }
}
