package dev.signet.datastore.sql;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.EntryAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands out one instance per distinct value among the entries one read builds, so values that repeat across
 * entries are held once: trust domains, parent IDs (thousands of entries share an agent or node-alias parent),
 * selector types, federated trust domain names, empty hints and attributes. The server keeps every entry in
 * memory (its entry cache), where these copies were half of an entry's footprint. Unique values (entry IDs,
 * SPIFFE ID paths, selector values) are kept as read. Not thread-safe: one instance per read.
 */
final class SharedValues {
  private final Map<String, TrustDomain> domains = new HashMap<>();
  private final Map<String, SpiffeId> parents = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();

  /** {@code text} parsed, with the trust domain shared; throws as {@link SpiffeId#parse} does. */
  SpiffeId spiffeId(String text) {
    SpiffeId parsed = SpiffeId.parse(text);
    TrustDomain shared = domains.computeIfAbsent(parsed.trustDomain().name(), name -> parsed.trustDomain());
    return shared == parsed.trustDomain() ? parsed : new SpiffeId(shared, parsed.path());
  }

  /** A parent ID: one instance for all entries with the same parent. */
  SpiffeId parentId(String text) {
    SpiffeId known = parents.get(text);
    if (known == null) {
      known = spiffeId(text);
      parents.put(text, known);
    }
    return known;
  }

  /** A selector whose type string is shared (the value usually differs per entry and is kept). */
  Selector selector(String type, String value) {
    return new Selector(name(type), value);
  }

  /** One instance per distinct short name (a selector type, a federated trust domain); null stays null. */
  String name(String text) {
    return text == null ? null : names.computeIfAbsent(text, t -> t);
  }

  /** The hint, with every empty hint the one empty string. */
  static String hint(String text) {
    return text == null || text.isEmpty() ? "" : text;
  }

  /** {@link EntryAttributes#NONE} when neither attribute is set, else a new instance. */
  static EntryAttributes attributes(boolean disableX509SvidPrefetch, boolean jwtSvidIncludeJti) {
    return disableX509SvidPrefetch || jwtSvidIncludeJti
        ? new EntryAttributes(disableX509SvidPrefetch, jwtSvidIncludeJti) : EntryAttributes.NONE;
  }
}
