package dev.signet.server.access;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.signet.ca.manager.AuthorityState;
import dev.signet.ca.manager.AuthorityStatus;
import dev.signet.ca.manager.CaManager;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.EntryFilter;
import dev.signet.datastore.Page;
import dev.signet.datastore.RegistrationEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /api/v1/certificates/rotate}. Scope {@code identity} re-issues the SVIDs of one SPIFFE ID:
 * each of its entries gets a new revision, which the server pushes to the agents serving it, and an agent
 * mints a fresh SVID for an entry whose revision changed. Scope {@code ca} prepares a new X.509 authority
 * and activates it at once (or, with {@code "activate": false}, only prepares it); the new bundle reaches
 * agents through the same push.
 */
final class RotationResource {
  record RotateRequest(@JsonProperty("scope") String scope, @JsonProperty("identity") String identity,
      @JsonProperty("activate") Boolean activate) {}

  private static final int PAGE = 500;

  private final DataStore dataStore;
  private final CaManager ca;

  RotationResource(DataStore dataStore, CaManager ca) {
    this.dataStore = dataStore;
    this.ca = ca;
  }

  /** Checks the request, then describes the rotation it asks for; nothing is done before the trail has it. */
  AccessApiServer.Mutation prepare(byte[] body) {
    RotateRequest request = RequestInputs.read(body, RotateRequest.class, "a rotation request");
    String scope = request.scope() == null ? "identity" : request.scope();
    return switch (scope) {
      case "identity" -> {
        SpiffeId identity = RequestInputs.spiffeId("identity", request.identity());
        yield new AccessApiServer.Mutation(RestAudit.fields("scope", scope, "identity", identity.toString()),
            () -> rotateIdentity(identity));
      }
      case "ca" -> {
        if (request.identity() != null) {
          throw Problem.badRequest("scope \"ca\" takes no identity");
        }
        boolean activate = request.activate() == null || request.activate();
        yield new AccessApiServer.Mutation(RestAudit.fields("scope", scope, "activate", Boolean.toString(activate)),
            () -> rotateCa(activate));
      }
      default -> throw Problem.badRequest("scope \"" + scope + "\" is not one of identity, ca");
    };
  }

  private Map<String, Object> rotateIdentity(SpiffeId identity) {
    List<RegistrationEntry> entries = new ArrayList<>();
    String token = "";
    do {
      Page<RegistrationEntry> page = dataStore.listEntries(EntryFilter.bySpiffeId(identity), token, PAGE);
      entries.addAll(page.items());
      token = page.nextPageToken();
    } while (!token.isEmpty());
    if (entries.isEmpty()) {
      throw Problem.notFound("no registration entry has the SPIFFE ID \"" + identity
          + "\" (agents renew their own SVIDs; evict an agent to make it attest again)");
    }
    List<Map<String, Object>> rotated = new ArrayList<>();
    for (RegistrationEntry entry : entries) {
      RegistrationEntry bumped = dataStore.updateEntry(entry, Set.of());
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("entry_id", bumped.entryId());
      view.put("parent_id", bumped.parentId().toString());
      view.put("revision", bumped.revisionNumber());
      rotated.add(view);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("scope", "identity");
    body.put("identity", identity.toString());
    body.put("rotated_entries", rotated);
    return body;
  }

  /**
   * Prepares a new X.509 authority (published in the bundle at once) and, unless {@code activate} is false,
   * activates it. A staged rotation (prepare now, activate later through {@code localauthority x509 activate})
   * gives federated peers a refresh hint's time to fetch the new bundle first.
   */
  private Map<String, Object> rotateCa(boolean activate) {
    String previous = ca.x509AuthorityStates().stream()
        .filter(s -> s.status() == AuthorityStatus.ACTIVE).map(AuthorityState::authorityId)
        .findFirst().orElse("");
    AuthorityState result = activate ? ca.prepareAndActivateX509Authority() : ca.prepareX509Authority();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("scope", "ca");
    body.put("previous_authority_id", previous);
    body.put("authority_id", result.authorityId());
    body.put("status", result.status().name().toLowerCase(java.util.Locale.ROOT));
    body.put("not_after", result.notAfter().toString());
    return body;
  }

}
