package dev.signet.server.cli.entry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.SPIFFEID;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The entry fields spire-server's {@code entry create} and {@code entry update} take as flags. */
final class EntryFlags {
  @Option(names = {"-spiffeID", "--spiffeID"}, description = "The SPIFFE ID that this record represents")
  String spiffeId;

  @Option(names = {"-parentID", "--parentID"}, description = "The SPIFFE ID of this record's parent")
  String parentId;

  @Option(names = {"-selector", "--selector"}, description = "A colon-delimited type:value selector. Can be used more than once")
  List<String> selectors = new ArrayList<>();

  @Option(names = {"-x509SVIDTTL", "--x509SVIDTTL"}, description = "The lifetime, in seconds, for x509-SVIDs issued based on this registration entry")
  int x509SvidTtl;

  @Option(names = {"-jwtSVIDTTL", "--jwtSVIDTTL"}, description = "The lifetime, in seconds, for JWT-SVIDs issued based on this registration entry")
  int jwtSvidTtl;

  @Option(names = {"-federatesWith", "--federatesWith"}, description = "SPIFFE ID of a trust domain to federate with. Can be used more than once")
  List<String> federatesWith = new ArrayList<>();

  @Option(names = {"-admin", "--admin"}, arity = "0..1", description = "If set, the SPIFFE ID in this entry will be granted access to the SPIRE Server's management APIs")
  boolean admin;

  @Option(names = {"-downstream", "--downstream"}, arity = "0..1", description = "A boolean value that, when set, indicates that the entry describes a downstream SPIRE server")
  boolean downstream;

  @Option(names = {"-entryExpiry", "--entryExpiry"}, description = "An expiry, from epoch in seconds, for the resulting registration entry to be pruned")
  long entryExpiry;

  @Option(names = {"-dns", "--dns"}, description = "A DNS name that will be included in SVIDs issued based on this entry, where appropriate. Can be used more than once")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = {"-storeSVID", "--storeSVID"}, arity = "0..1", description = "A boolean value that, when set, indicates that the resulting issued SVID from this entry must be stored through an SVIDStore plugin")
  boolean storeSvid;

  @Option(names = {"-hint", "--hint"}, description = "The entry hint, used to disambiguate entries with the same SPIFFE ID")
  String hint = "";

  @Option(names = {"-node", "--node"}, arity = "0..1", description = "If set, this entry will be applied to matching nodes rather than workloads")
  boolean node;

  /** Builds the API entry; flags are parsed here so a bad value fails before anything is sent. */
  Entry toEntry(String entryId) {
    if (spiffeId == null) {
      throw new IllegalArgumentException("a SPIFFE ID is required");
    }
    SpiffeId id = SpiffeId.parse(spiffeId);
    SpiffeId parent;
    if (node) {
      parent = id.trustDomain().id("/spire/server");
    } else if (parentId == null) {
      throw new IllegalArgumentException("a parent ID is required if the node flag is not set");
    } else {
      parent = SpiffeId.parse(parentId);
    }
    if (selectors.isEmpty()) {
      throw new IllegalArgumentException("at least one selector is required");
    }
    Entry.Builder entry = Entry.newBuilder()
        .setId(entryId == null ? "" : entryId)
        .setSpiffeId(toProto(id))
        .setParentId(toProto(parent))
        .setX509SvidTtl(x509SvidTtl)
        .setJwtSvidTtl(jwtSvidTtl)
        .setAdmin(admin)
        .setDownstream(downstream)
        .setExpiresAt(entryExpiry)
        .addAllDnsNames(dnsNames)
        .setStoreSvid(storeSvid)
        .setHint(hint);
    for (String selector : selectors) {
      Selector parsed = Selector.parse(selector);
      entry.addSelectors(dev.signet.proto.spire.api.types.Selector.newBuilder()
          .setType(parsed.type()).setValue(parsed.value()));
    }
    for (String td : federatesWith) {
      entry.addFederatesWith(td.startsWith("spiffe://") ? SpiffeId.parse(td).trustDomain().name() : td);
    }
    return entry.build();
  }

  static SPIFFEID toProto(SpiffeId id) {
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }
}
