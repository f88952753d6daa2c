package dev.signet.server.cli.entry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.entry.v1.GetEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.FederatesWithMatch;
import dev.signet.proto.spire.api.types.SelectorMatch;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entry show}: one entry by ID, or all entries matching the filters (paged through). */
@Command(name = "show", description = "Print registration entries, optionally filtered")
public final class EntryShowCommand extends AdminCommand {
  @Option(names = {"-entryID", "--entryID"}, description = "Only the entry with this ID")
  String entryId;

  @Option(names = {"-spiffeID", "--spiffeID"}, description = "Only entries issuing this SPIFFE ID")
  String spiffeId;

  @Option(names = {"-parentID", "--parentID"}, description = "Only entries under this parent ID")
  String parentId;

  @Option(names = {"-selector", "--selector"}, description = "Selector as type:value (repeatable)")
  List<String> selectors = new ArrayList<>();

  @Option(names = {"-matchSelectorsOn", "--matchSelectorsOn"}, defaultValue = "superset",
      description = "How -selector filters match: exact, any, superset or subset")
  String matchSelectorsOn;

  @Option(names = {"-federatesWith", "--federatesWith"}, description = "Only entries federating with this trust domain (repeatable)")
  List<String> federatesWith = new ArrayList<>();

  @Option(names = {"-matchFederatesWithOn", "--matchFederatesWithOn"}, defaultValue = "superset",
      description = "How -federatesWith filters match: exact, any, superset or subset")
  String matchFederatesWithOn;

  @Option(names = {"-downstream", "--downstream"}, arity = "0..1", description = "Mark the identity as a downstream (nested) server")
  Boolean downstream;

  @Option(names = {"-hint", "--hint"}, description = "Only entries with this hint")
  String hint;

  @Override
  protected int run(AdminClient client, Printer out) {
    List<Entry> entries = new ArrayList<>();
    ListEntriesResponse.Builder all = ListEntriesResponse.newBuilder();
    if (entryId != null) {
      entries.add(client.entries().getEntry(GetEntryRequest.newBuilder().setId(entryId).build()));
    } else {
      ListEntriesRequest.Filter filter = filter();
      String token = "";
      do {
        ListEntriesResponse page = client.entries().listEntries(
            ListEntriesRequest.newBuilder().setFilter(filter).setPageToken(token).build());
        entries.addAll(page.getEntriesList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
    }
    entries = EntryOrder.sorted(entries);
    if (out.json()) {
      out.json(all.addAllEntries(entries));
      return 0;
    }
    out.line(entries.size() == 1 ? "Found 1 entry" : "Found " + entries.size() + " entries");
    entries.forEach(e -> EntryPrinter.print(out, e));
    return 0;
  }

  private ListEntriesRequest.Filter filter() {
    ListEntriesRequest.Filter.Builder filter = ListEntriesRequest.Filter.newBuilder();
    if (spiffeId != null) {
      filter.setBySpiffeId(EntryFlags.toProto(SpiffeId.parse(spiffeId)));
    }
    if (parentId != null) {
      filter.setByParentId(EntryFlags.toProto(SpiffeId.parse(parentId)));
    }
    if (!selectors.isEmpty()) {
      SelectorMatch.Builder match = SelectorMatch.newBuilder()
          .setMatch(SelectorMatch.MatchBehavior.valueOf(matchMode(matchSelectorsOn)));
      selectors.stream().map(Selector::parse).forEach(s -> match.addSelectors(
          dev.signet.proto.spire.api.types.Selector.newBuilder().setType(s.type()).setValue(s.value())));
      filter.setBySelectors(match);
    }
    if (!federatesWith.isEmpty()) {
      FederatesWithMatch.Builder match = FederatesWithMatch.newBuilder()
          .setMatch(FederatesWithMatch.MatchBehavior.valueOf(matchMode(matchFederatesWithOn)));
      federatesWith.forEach(td -> match.addTrustDomains(
          td.startsWith("spiffe://") ? SpiffeId.parse(td).trustDomain().name() : td));
      filter.setByFederatesWith(match);
    }
    if (downstream != null) {
      filter.setByDownstream(com.google.protobuf.BoolValue.of(downstream));
    }
    if (hint != null) {
      filter.setByHint(com.google.protobuf.StringValue.of(hint));
    }
    return filter.build();
  }

  static String matchMode(String mode) {
    return switch (mode) {
      case "exact" -> "MATCH_EXACT";
      case "any" -> "MATCH_ANY";
      case "superset" -> "MATCH_SUPERSET";
      case "subset" -> "MATCH_SUBSET";
      default -> throw new IllegalArgumentException("match behavior \"" + mode + "\" unknown (exact, any, superset, subset)");
    };
  }
}
