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
  @Option(names = {"-spiffeID", "--spiffeID"}, description = "SPIFFE ID the entry issues")
  String spiffeId;

  @Option(names = {"-parentID", "--parentID"}, description = "SPIFFE ID of the agent (or alias) the entry hangs under")
  String parentId;

  @Option(names = {"-selector", "--selector"}, description = "Selector as type:value (repeatable)")
  List<String> selectors = new ArrayList<>();

  @Option(names = {"-x509SVIDTTL", "--x509SVIDTTL"}, description = "X509-SVID lifetime in seconds for this entry (0: server default)")
  int x509SvidTtl;

  @Option(names = {"-jwtSVIDTTL", "--jwtSVIDTTL"}, description = "JWT-SVID lifetime in seconds for this entry (0: server default)")
  int jwtSvidTtl;

  @Option(names = {"-federatesWith", "--federatesWith"}, description = "Federated trust domain whose bundle the workload also gets, as spiffe://<name> (repeatable)")
  List<String> federatesWith = new ArrayList<>();

  @Option(names = {"-admin", "--admin"}, arity = "0..1", description = "Let this identity call the server's admin APIs")
  boolean admin;

  @Option(names = {"-downstream", "--downstream"}, arity = "0..1", description = "Mark the identity as a downstream (nested) server")
  boolean downstream;

  @Option(names = {"-entryExpiry", "--entryExpiry"}, description = "Unix time (seconds) after which the entry is pruned")
  long entryExpiry;

  @Option(names = {"-dns", "--dns"}, description = "DNS SAN to put in the X509-SVID (repeatable)")
  List<String> dnsNames = new ArrayList<>();

  @Option(names = {"-storeSVID", "--storeSVID"}, arity = "0..1", description = "Hand the issued SVID to an SVIDStore plugin instead of a workload")
  boolean storeSvid;

  @Option(names = {"-hint", "--hint"}, description = "Hint that tells apart entries with the same SPIFFE ID")
  String hint = "";

  @Option(names = {"-node", "--node"}, arity = "0..1", description = "Make a node alias: match agents by their node selectors, not workloads")
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
