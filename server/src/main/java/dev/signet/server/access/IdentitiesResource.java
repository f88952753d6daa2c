package dev.signet.server.access;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.MatchBehavior;
import dev.signet.datastore.NodeFilter;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.server.trust.ServingAgents;
import dev.signet.server.trust.TrustScorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /api/v1/identities} and {@code GET /api/v1/identities/{spiffeId}}: registration entries, then
 * attested agents, with filters and one opaque page token across both ({@code e:<entry token>}, then
 * {@code a:<agent token>}).
 */
final class IdentitiesResource {
  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;

  private final DataStore dataStore;
  private final TrustScorer trust;
  private final ServingAgents servingAgents;

  IdentitiesResource(DataStore dataStore, TrustScorer trust) {
    this.dataStore = dataStore;
    this.trust = trust;
    this.servingAgents = new ServingAgents(dataStore);
  }

  /** The list query: {@code spiffe_id_prefix}, {@code parent_id}, {@code selector} (type:value), paging. */
  record ListQuery(String prefix, SpiffeId parent, Selector selector, int pageSize, String pageToken) {
    static ListQuery parse(Map<String, Optional<String>> params) {
      String prefix = params.get("spiffe_id_prefix").orElse("");
      if (!prefix.isEmpty() && !prefix.startsWith(SpiffeId.SCHEME_PREFIX)) {
        throw Problem.badRequest("spiffe_id_prefix \"" + prefix + "\" must start with spiffe://");
      }
      SpiffeId parent = params.get("parent_id").map(id -> RequestInputs.spiffeId("parent_id", id)).orElse(null);
      Selector selector = params.get("selector").map(IdentitiesResource::selector).orElse(null);
      int pageSize = params.get("page_size").map(IdentitiesResource::pageSize).orElse(DEFAULT_PAGE_SIZE);
      String token = params.get("page_token").orElse("");
      // Issued tokens are "e:<entry token>" (never with an empty entry token, which would mean the first
      // page again), "a:" and "a:<agent token>"; the inner tokens are checked by the datastore, which
      // refuses what it did not issue. Anything else is refused rather than restarting at page one.
      if (!token.isEmpty() && !(token.startsWith("e:") && token.length() > 2) && !token.startsWith("a:")) {
        throw Problem.badRequest("page_token \"" + token + "\" was not issued by this API");
      }
      return new ListQuery(prefix, parent, selector, pageSize, token);
    }
  }

  Map<String, Object> list(ListQuery query) {
    List<Map<String, Object>> items = new ArrayList<>();
    String next;
    if (!query.pageToken().startsWith("a:")) {
      EntryFilter filter = new EntryFilter(null, query.parent(), query.selector() == null ? null
          : List.of(query.selector()), MatchBehavior.SUPERSET, null, null, null, null);
      String entryToken = query.pageToken().isEmpty() ? "" : query.pageToken().substring(2);
      Page<RegistrationEntry> page = dataStore.listEntries(filter, entryToken, query.pageSize());
      page.items().stream().filter(e -> e.spiffeId().toString().startsWith(query.prefix()))
          .forEach(e -> items.add(IdentityViews.entry(e)));
      boolean agentsToo = query.parent() == null;
      next = !page.nextPageToken().isEmpty() ? "e:" + page.nextPageToken() : agentsToo ? "a:" : "";
    } else {
      NodeFilter filter = new NodeFilter(null, null, null, null,
          query.selector() == null ? null : List.of(query.selector()), MatchBehavior.SUPERSET);
      Page<AttestedNode> page = dataStore.listAttestedNodes(filter, query.pageToken().substring(2), query.pageSize());
      page.items().stream().filter(n -> n.spiffeId().toString().startsWith(query.prefix()))
          .forEach(n -> items.add(IdentityViews.agent(n)));
      next = page.nextPageToken().isEmpty() ? "" : "a:" + page.nextPageToken();
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("identities", items);
    body.put("next_page_token", next);
    return body;
  }

  /**
   * Everything known under one SPIFFE ID: its entries, the agents that can serve it (with their SVID expiry
   * and attestation type), the attested agent when it is one, and its trust score.
   */
  Map<String, Object> get(String rawId) {
    SpiffeId id = RequestInputs.spiffeId("spiffe id", rawId);
    List<Map<String, Object>> entries = new ArrayList<>();
    String token = "";
    do {
      Page<RegistrationEntry> page = dataStore.listEntries(EntryFilter.bySpiffeId(id), token, MAX_PAGE_SIZE);
      page.items().forEach(e -> entries.add(IdentityViews.entry(e)));
      token = page.nextPageToken();
    } while (!token.isEmpty());
    Optional<AttestedNode> agent = dataStore.fetchAttestedNode(id);
    if (entries.isEmpty() && agent.isEmpty()) {
      throw Problem.notFound("no registration entry or agent has the SPIFFE ID \"" + id + "\"");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("spiffe_id", id.toString());
    body.put("entries", entries);
    body.put("agent", agent.map(IdentityViews::agent).orElse(null));
    body.put("serving_agents", entries.isEmpty() ? List.of()
        : servingAgents.of(id).stream().map(IdentityViews::agent).toList());
    body.put("svid", trust.issued().newest(id).map(IdentityViews::svid).orElse(null));
    body.put("trust", TrustResource.view(id, trust.score(id)));
    return body;
  }

  private static Selector selector(String text) {
    try {
      return Selector.parse(text);
    } catch (IllegalArgumentException e) {
      throw Problem.badRequest("selector \"" + text + "\" is not type:value: " + e.getMessage());
    }
  }

  private static int pageSize(String text) {
    try {
      int size = Integer.parseInt(text);
      if (size < 1 || size > MAX_PAGE_SIZE) {
        throw Problem.badRequest("page_size " + size + " is outside 1.." + MAX_PAGE_SIZE);
      }
      return size;
    } catch (NumberFormatException e) {
      throw Problem.badRequest("page_size \"" + text + "\" is not a number");
    }
  }
}
