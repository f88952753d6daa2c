package dev.signet.agent.sds;

import dev.signet.agent.workload.CachedIdentity;
import dev.signet.agent.workload.PendingIdentity;
import dev.signet.agent.workload.WorkloadView;
import dev.signet.common.bundle.Bundle;
import dev.signet.proto.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.grpc.Status;
import io.grpc.StatusException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which Secrets one Envoy receives for the resource names it asked for, from the {@link WorkloadView} its
 * own selectors select (SPIRE's naming):
 * <ul>
 *   <li>no names: every bundle under its trust domain ID ({@code spiffe://example.org}) and every X509-SVID
 *       under its SPIFFE ID;</li>
 *   <li>the trust domain ID of the agent, or {@code default_bundle_name}: the agent's trust domain bundle;</li>
 *   <li>{@code default_all_bundles_name}: one SPIFFE validator over that bundle and the federated bundles
 *       the caller may use (only with the validator, see {@link SpiffeValidatorChoice});</li>
 *   <li>a federated trust domain ID the caller's entries federate with: that bundle;</li>
 *   <li>a SPIFFE ID of the caller: its X509-SVID; {@code default_svid_name}: the caller's first X509-SVID.</li>
 * </ul>
 *
 * <p>Security: every certificate and bundle comes from the caller's own view, never from the snapshot as a
 * whole, so a name of another workload's SPIFFE ID, or of a trust domain none of the caller's entries
 * federates with, is not found. As in SPIRE, any name not found is refused: INVALID_ARGUMENT "workload is not
 * authorized for the requested identities" listing the names, which ends a stream. Bundles are public and
 * are served even to a caller with no identity. A name whose X509-SVID the agent is still issuing (an entry
 * beyond {@code x509_svid_cache_max_size}) is neither served nor refused: it is reported as awaited.
 */
final class SecretResolver {
  /**
   * Resource names one request may carry. An Envoy asks for a few; the cap bounds the work one local caller
   * can cause per request (the message itself is bounded by the socket's message size limit).
   */
  static final int MAX_NAMES = 256;
  /** Refused names quoted in an error; the rest are counted, so the status stays small. */
  private static final int MAX_QUOTED = 8;

  private SecretResolver() {}

  /**
   * The answer to one request.
   *
   * @param secrets the resources, in the order bundles then certificates
   * @param served the identities whose X509-SVIDs are among {@code secrets}
   * @param awaited entries whose X509-SVIDs were asked for by name (or all) but are not held yet
   * @param complete false when a requested name is awaited: a stream waits for it instead of answering
   */
  record Resolution(List<Secret> secrets, List<CachedIdentity> served, List<PendingIdentity> awaited,
      boolean complete) {
    Resolution {
      secrets = List.copyOf(secrets);
      served = List.copyOf(served);
      awaited = List.copyOf(awaited);
    }
  }

  static Resolution resolve(SdsConfig config, boolean spiffeValidator, Collection<String> requested,
      WorkloadView view) throws StatusException {
    if (requested.size() > MAX_NAMES) {
      throw Status.INVALID_ARGUMENT.withDescription("too many resource names: " + requested.size() + " (at most "
          + MAX_NAMES + ")").asException();
    }
    Set<String> names = new LinkedHashSet<>(requested);
    names.remove("");
    Bundle own = view.bundle();
    Map<String, Bundle> federated = new LinkedHashMap<>();
    view.federatedBundles().forEach((domain, bundle) -> federated.put(domain.idString(), bundle));
    Map<String, CachedIdentity> identities = new LinkedHashMap<>();
    view.identities().forEach(i -> identities.putIfAbsent(i.spiffeId().toString(), i));
    Map<String, PendingIdentity> pending = new LinkedHashMap<>();
    view.pending().forEach(p -> pending.putIfAbsent(p.spiffeId().toString(), p));

    List<Secret> bundles = new ArrayList<>();
    List<Secret> certificates = new ArrayList<>();
    List<CachedIdentity> served = new ArrayList<>();
    List<PendingIdentity> awaited = new ArrayList<>();
    if (names.isEmpty()) {
      bundles.add(validation(own.trustDomain().idString(), own, spiffeValidator));
      federated.forEach((id, bundle) -> bundles.add(validation(id, bundle, spiffeValidator)));
      identities.forEach((id, identity) -> {
        certificates.add(EnvoySecrets.tlsCertificate(id, identity.svid()));
        served.add(identity);
      });
      awaited.addAll(pending.values());
      return new Resolution(concat(bundles, certificates), served, awaited, true);
    }
    Set<String> missing = new TreeSet<>();
    boolean complete = true;
    for (String name : names) {
      if (name.equals(own.trustDomain().idString()) || name.equals(config.defaultBundleName())) {
        bundles.add(validation(name, own, spiffeValidator));
      } else if (name.equals(config.defaultAllBundlesName())) {
        if (!spiffeValidator) {
          throw Status.FAILED_PRECONDITION.withDescription("\"" + name + "\" (all bundles) needs envoy's spiffe "
              + "certificate validator, which is disabled (" + SpiffeValidatorChoice.DISABLE_KEY
              + ") or not supported by this envoy (it needs 1.18 or later in node.user_agent_build_version)")
              .asException();
        }
        bundles.add(EnvoySecrets.spiffeValidator(name, view.allBundles()));
      } else if (federated.containsKey(name)) {
        bundles.add(validation(name, federated.get(name), spiffeValidator));
      } else if (name.equals(config.defaultSvidName()) && !view.identities().isEmpty()) {
        CachedIdentity first = view.identities().getFirst();
        certificates.add(EnvoySecrets.tlsCertificate(name, first.svid()));
        served.add(first);
      } else if (name.equals(config.defaultSvidName()) && !view.pending().isEmpty()) {
        awaited.add(view.pending().getFirst());
        complete = false;
      } else if (identities.containsKey(name)) {
        certificates.add(EnvoySecrets.tlsCertificate(name, identities.get(name).svid()));
        served.add(identities.get(name));
      } else if (pending.containsKey(name)) {
        awaited.add(pending.get(name));
        complete = false;
      } else {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      List<String> quoted = missing.stream().limit(MAX_QUOTED).map(n -> "\"" + n + "\"").toList();
      String more = missing.size() > MAX_QUOTED ? " and " + (missing.size() - MAX_QUOTED) + " more" : "";
      throw Status.INVALID_ARGUMENT.withDescription("workload is not authorized for the requested identities "
          + quoted + more).asException();
    }
    return new Resolution(concat(bundles, certificates), served, awaited, complete);
  }

  private static Secret validation(String name, Bundle bundle, boolean spiffeValidator) {
    return spiffeValidator ? EnvoySecrets.spiffeValidator(name, List.of(bundle)) : EnvoySecrets.trustedCa(name, bundle);
  }

  private static List<Secret> concat(List<Secret> first, List<Secret> second) {
    List<Secret> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
