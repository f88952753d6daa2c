package dev.signet.agent.sync;

import dev.signet.common.proto.SpiffeIdProtos;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.types.Entry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A registration entry as the agent needs it. Two entries with the same ID but a different revision
 * or different SVID-relevant fields need a new SVID.
 */
public record AuthorizedEntry(String id, SpiffeId spiffeId, Set<Selector> selectors, List<String> dnsNames,
    int x509SvidTtl, long revision, String hint, List<TrustDomain> federatesWith) {

  public AuthorizedEntry {
    selectors = Set.copyOf(selectors);
    dnsNames = List.copyOf(dnsNames);
    federatesWith = List.copyOf(federatesWith);
  }

  /** Reads an API entry; an entry the agent cannot use (bad ID) is a {@code ProtoConversionException}. */
  public static AuthorizedEntry fromProto(Entry entry) {
    return new AuthorizedEntry(entry.getId(), SpiffeIdProtos.fromProto("entry \"" + entry.getId() + "\" spiffe_id",
        entry.getSpiffeId()),
        entry.getSelectorsList().stream().map(s -> new Selector(s.getType(), s.getValue())).collect(Collectors.toSet()),
        entry.getDnsNamesList(), entry.getX509SvidTtl(), entry.getRevisionNumber(), entry.getHint(),
        entry.getFederatesWithList().stream().map(td -> SpiffeIdProtos.trustDomain("federates_with", td)).toList());
  }

  /** True when an SVID issued for {@code previous} no longer fits this entry. */
  public boolean needsNewSvidComparedTo(AuthorizedEntry previous) {
    return !spiffeId.equals(previous.spiffeId) || !dnsNames.equals(previous.dnsNames)
        || x509SvidTtl != previous.x509SvidTtl || revision != previous.revision;
  }
}
