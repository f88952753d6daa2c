package dev.signet.agent.sync;

import dev.signet.common.bundle.Bundle;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.files.AtomicFiles;
import dev.signet.common.json.JsonObjects;
import dev.signet.common.proto.BundleProtos;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.svid.X509Svid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload X509-SVIDs the agent holds, kept in {@code data_dir/svid_cache.json} (with their entries, keys and
 * the bundles they were served with) so that an agent restarted on its stored identity serves workloads from its
 * first second, before its first sync with the server completes. SPIRE's agent keeps them in memory only and serves
 * nothing until that sync is done.
 *
 * <p>Security decisions:
 * <ul>
 *   <li>The file holds private keys: it is written like the agent's own state ({@link AtomicFiles}: 0600, forced
 *       to the device, renamed into place), lives beside {@code agent_state.json} (whose key already proves the
 *       node to the server, so the file adds no new secret class to protect), is checked for its mode at start-up
 *       with the other secret files, and is deleted with the agent state when the agent is banned or evicted.
 *       With {@code KeyManager "memory"} nothing is written.</li>
 *   <li>Only an agent that resumed its stored identity reads it back (never after a new node attestation), and
 *       only when the file names that same agent ID; every SVID must be for the entry's SPIFFE ID, in the agent's
 *       trust domain, and valid now ({@code notBefore ≤ now < notAfter}). Nothing else is served.</li>
 *   <li>Entries deleted or changed while the agent was down are served only until the first sync, which the agent
 *       runs at once: that sync swaps in a snapshot with exactly the entries the server authorizes now, which ends
 *       every deleted identity on every open stream, and re-issues the SVIDs of changed entries. The window is
 *       the one a running agent has between an entry's deletion and its next sync, and the SVIDs served in it are
 *       ones the server issued to this agent and that are still valid (an SVID already handed out cannot be
 *       recalled in any case). A ban is seen by that first sync too: the agent then stops serving and deletes the
 *       file. While the server cannot be reached the restarted agent behaves like a running one that lost its
 *       server: it serves what it holds until it expires.</li>
 * </ul>
 * A file that cannot be read is logged and ignored: the agent then starts as before, serving after its first sync.
 */
public final class StoredSvids {
  private static final Logger LOG = LoggerFactory.getLogger(StoredSvids.class);
  /**
   * The file's layout: bundles as serialized {@code spire.api.types.Bundle}, chains as concatenated DER, keys as
   * PKCS#8 DER, all base64. Earlier releases wrote JWKS and PEM (which cost a restart the JOSE library, its JSON
   * parser and BouncyCastle's PEM reader); such a file is not served, and the first sync re-issues what it held.
   */
  private static final int FORMAT = 2;

  private final Path file;
  private final Supplier<SpiffeId> agentId;

  /**
   * @param file where the SVIDs are kept; empty to keep nothing ({@code KeyManager "memory"})
   * @param agentId the agent's current SPIFFE ID, written with the SVIDs and required to match when they are read
   */
  public StoredSvids(Optional<Path> file, Supplier<SpiffeId> agentId) {
    this.file = file.orElse(null);
    this.agentId = agentId;
  }

  /** Keeps nothing and restores nothing. */
  public static StoredSvids none() {
    return new StoredSvids(Optional.empty(), () -> null);
  }

  /** What is stored: the agent's own bundle, the federated bundles, and the held SVIDs with their entries. */
  record Contents(Bundle bundle, Map<TrustDomain, Bundle> federated, List<HeldSvid> svids) {
    Contents {
      federated = Map.copyOf(federated);
      svids = List.copyOf(svids);
    }
  }

  /** Replaces the stored SVIDs; a failure is logged, never thrown (the next change writes again). */
  void save(Contents contents) {
    if (file == null) {
      return;
    }
    try {
      AtomicFiles.write(file, encode(contents));
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot keep the workload svids in {}: {}", file, e.toString());
    }
  }

  /**
   * The stored SVIDs of this agent in {@code trustDomain} that are valid at {@code now}; empty when there is no
   * file, it is for another agent, or it cannot be read.
   */
  Optional<Contents> load(TrustDomain trustDomain, Instant now) {
    if (file == null || !Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return decode(Files.readAllBytes(file), trustDomain, now);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring the stored workload svids in {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  private byte[] encode(Contents contents) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("agent_id", agentId.get().toString());
    root.put("format", FORMAT);
    root.put("bundle", BundleProtos.toProto(contents.bundle()).toByteArray());
    Map<String, Object> federated = new LinkedHashMap<>();
    contents.federated().forEach((domain, bundle) -> federated.put(domain.name(),
        BundleProtos.toProto(bundle).toByteArray()));
    root.put("federated_bundles", federated);
    List<Map<String, Object>> svids = new ArrayList<>();
    for (HeldSvid held : contents.svids()) {
      AuthorizedEntry entry = held.entry();
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("entry_id", entry.id());
      node.put("spiffe_id", entry.spiffeId().toString());
      node.put("selectors", entry.selectors().stream().map(s -> s.type() + ":" + s.value()).toList());
      node.put("dns_names", entry.dnsNames());
      node.put("x509_svid_ttl", entry.x509SvidTtl());
      node.put("revision", entry.revision());
      node.put("hint", entry.hint());
      node.put("federates_with", entry.federatesWith().stream().map(TrustDomain::name).toList());
      node.put("svid_chain", DerCodec.concat(held.svid().chain()));
      node.put("private_key", held.svid().privateKey().getEncoded());
      svids.add(node);
    }
    root.put("svids", svids);
    return JsonObjects.write(root);
  }

  private Optional<Contents> decode(byte[] bytes, TrustDomain trustDomain, Instant now) throws IOException {
    Map<String, Object> root = JsonObjects.parse(bytes);
    String storedFor = String.valueOf(root.get("agent_id"));
    if (!storedFor.equals(String.valueOf(agentId.get()))) {
      LOG.info("not serving the stored workload svids: they were kept by \"{}\", this agent is \"{}\"", storedFor,
          agentId.get());
      return Optional.empty();
    }
    if (!Integer.valueOf(FORMAT).equals(root.get("format"))) {
      LOG.info("not serving the stored workload svids: {} is in the format of an earlier release", file);
      return Optional.empty();
    }
    Bundle bundle = bundle(trustDomain, bytes(root, "bundle"));
    Map<TrustDomain, Bundle> federated = new LinkedHashMap<>();
    if (root.get("federated_bundles") instanceof Map<?, ?> stored) {
      for (Map.Entry<?, ?> field : stored.entrySet()) {
        TrustDomain domain = TrustDomain.parse(String.valueOf(field.getKey()));
        federated.put(domain, bundle(domain, Base64.getDecoder().decode(String.valueOf(field.getValue()))));
      }
    }
    List<HeldSvid> svids = new ArrayList<>();
    int skipped = 0;
    for (Object item : list(root, "svids")) {
      if (!(item instanceof Map<?, ?> node)) {
        throw new IllegalArgumentException("stored svid is not an object");
      }
      AuthorizedEntry entry = entryOf(node);
      List<X509Certificate> chain = DerCodec.parseCertificates(bytes(node, "svid_chain"));
      X509Svid svid = X509Svid.of(chain, DerCodec.parsePrivateKey(bytes(node, "private_key")));
      if (usable(entry, svid, trustDomain, now)) {
        svids.add(HeldSvid.restored(entry, svid));
      } else {
        skipped++;
      }
    }
    if (skipped > 0) {
      LOG.info("not serving {} stored workload svids that are expired, not yet valid or for another identity", skipped);
    }
    return Optional.of(new Contents(bundle, federated, svids));
  }

  private static Bundle bundle(TrustDomain expected, byte[] stored) throws IOException {
    Bundle bundle = BundleProtos.fromProto(dev.signet.proto.spire.api.types.Bundle.parseFrom(stored));
    if (!bundle.trustDomain().equals(expected)) {
      throw new IllegalArgumentException("stored bundle of \"" + bundle.trustDomain() + "\" where \"" + expected
          + "\" was expected");
    }
    return bundle;
  }

  private static boolean usable(AuthorizedEntry entry, X509Svid svid, TrustDomain trustDomain, Instant now) {
    return svid.id().equals(entry.spiffeId()) && entry.spiffeId().memberOf(trustDomain)
        && !now.isBefore(svid.leaf().getNotBefore().toInstant()) && now.isBefore(svid.expiresAt());
  }

  private static AuthorizedEntry entryOf(Map<?, ?> node) {
    Set<Selector> selectors = new HashSet<>();
    list(node, "selectors").forEach(selector -> selectors.add(Selector.parse(String.valueOf(selector))));
    List<String> dnsNames = list(node, "dns_names").stream().map(String::valueOf).toList();
    List<TrustDomain> federatesWith = list(node, "federates_with").stream()
        .map(domain -> TrustDomain.parse(String.valueOf(domain))).toList();
    return new AuthorizedEntry(text(node, "entry_id"), SpiffeId.parse(text(node, "spiffe_id")), selectors, dnsNames,
        node.get("x509_svid_ttl") instanceof Number ttl ? ttl.intValue() : 0,
        node.get("revision") instanceof Number revision ? revision.longValue() : 0,
        node.get("hint") instanceof String hint ? hint : "", federatesWith);
  }

  private static String text(Map<?, ?> node, String field) {
    if (!(node.get(field) instanceof String value) || value.isEmpty()) {
      throw new IllegalArgumentException("stored svid has no \"" + field + "\"");
    }
    return value;
  }

  private static byte[] bytes(Map<?, ?> node, String field) {
    return Base64.getDecoder().decode(text(node, field));
  }

  private static List<?> list(Map<?, ?> node, String field) {
    return node.get(field) instanceof List<?> values ? values : List.of();
  }
}
