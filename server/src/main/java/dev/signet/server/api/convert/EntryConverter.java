package dev.signet.server.api.convert;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.datastore.EntryAttributes;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.server.api.InputValidation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Converts registration entries between the API's {@code spire.api.types.Entry} and the datastore's
 * {@link RegistrationEntry}, validating API input on the way in (SPIRE's rules: IDs in our trust
 * domain, no reserved {@code /spire/} paths for workloads, at least one selector, valid DNS names and
 * federated trust domains, non-negative TTLs).
 */
public final class EntryConverter {
  private static final int MAX_HINT_LENGTH = 1024;

  private EntryConverter() {}

  public static SPIFFEID toProto(SpiffeId id) {
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }

  public static SpiffeId fromProto(String field, SPIFFEID id) {
    return InputValidation.spiffeId(field, id.getTrustDomain(), id.getPath());
  }

  public static dev.signet.proto.spire.api.types.Selector toProto(Selector selector) {
    return dev.signet.proto.spire.api.types.Selector.newBuilder()
        .setType(selector.type()).setValue(selector.value()).build();
  }

  public static List<Selector> selectorsFromProto(List<dev.signet.proto.spire.api.types.Selector> selectors) {
    List<Selector> result = new ArrayList<>(selectors.size());
    for (var selector : selectors) {
      result.add(InputValidation.selector(selector.getType(), selector.getValue()));
    }
    return result;
  }

  public static Entry toProto(RegistrationEntry entry) {
    Entry.Builder builder = Entry.newBuilder()
        .setId(entry.entryId())
        .setSpiffeId(toProto(entry.spiffeId()))
        .setParentId(toProto(entry.parentId()))
        .setX509SvidTtl(entry.x509SvidTtl())
        .setJwtSvidTtl(entry.jwtSvidTtl())
        .addAllFederatesWith(entry.federatesWith())
        .setAdmin(entry.admin())
        .setDownstream(entry.downstream())
        .setExpiresAt(entry.expiresAt())
        .addAllDnsNames(entry.dnsNames())
        .setRevisionNumber(entry.revisionNumber())
        .setStoreSvid(entry.storeSvid())
        .setHint(entry.hint())
        .setCreatedAt(entry.createdAt());
    // sorted by type, then value, as SPIRE returns them (the stored order is the order they were given in)
    entry.selectors().stream().sorted().forEach(s -> builder.addSelectors(toProto(s)));
    if (!entry.attributes().equals(EntryAttributes.NONE)) {
      builder.setAdditionalAttributes(Entry.AdditionalAttributes.newBuilder()
          .setDisableX509SvidPrefetch(entry.attributes().disableX509SvidPrefetch())
          .setJwtSvidIncludeJti(entry.attributes().jwtSvidIncludeJti()));
    }
    return builder.build();
  }

  /**
   * Parses and validates an entry sent by a client. Server-owned fields (revision, creation time) are
   * ignored; the ID is kept only when the client chose one.
   */
  public static RegistrationEntry fromProto(Entry entry, TrustDomain trustDomain) {
    SpiffeId spiffeId = InputValidation.workloadId("spiffe_id", fromProto("spiffe_id", entry.getSpiffeId()),
        trustDomain);
    SpiffeId parentId = InputValidation.inTrustDomain("parent_id", fromProto("parent_id", entry.getParentId()),
        trustDomain);
    if (parentId.isTrustDomainId()) {
      throw InputValidation.invalid("parent_id: \"" + parentId + "\" is not a member of trust domain \""
          + trustDomain + "\"; path is empty");
    }
    if (entry.getSelectorsCount() == 0) {
      throw InputValidation.invalid("selector list is empty");
    }
    List<Selector> selectors = List.copyOf(new LinkedHashSet<>(selectorsFromProto(entry.getSelectorsList())));
    List<String> federatesWith = new ArrayList<>();
    for (String td : entry.getFederatesWithList()) {
      federatesWith.add(InputValidation.trustDomain("federates_with", td).name());
    }
    List<String> dnsNames = entry.getDnsNamesList().stream().map(InputValidation::dnsName).distinct().toList();
    if (entry.getHint().length() > MAX_HINT_LENGTH) {
      throw InputValidation.invalid("hint is longer than " + MAX_HINT_LENGTH + " characters");
    }
    if (entry.getExpiresAt() < 0) {
      throw InputValidation.invalid("expires_at " + entry.getExpiresAt() + " is negative");
    }
    return new RegistrationEntry(entry.getId(), spiffeId, parentId, selectors,
        InputValidation.ttlSeconds("x509_svid_ttl", entry.getX509SvidTtl()),
        InputValidation.ttlSeconds("jwt_svid_ttl", entry.getJwtSvidTtl()),
        List.copyOf(new LinkedHashSet<>(federatesWith)), entry.getAdmin(), entry.getDownstream(),
        entry.getExpiresAt(), dnsNames, 0, entry.getStoreSvid(), entry.getHint(), 0,
        new EntryAttributes(entry.getAdditionalAttributes().getDisableX509SvidPrefetch(),
            entry.getAdditionalAttributes().getJwtSvidIncludeJti()));
  }
}
