package dev.signet.server.cli.entry;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.entry.v1.GetEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.ListEntriesResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.FederatesWithMatch;
import dev.signet.proto.spire.api.types.SelectorMatch;
import dev.signet.server.cli.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entry show}: one entry by ID, or all entries matching the filters (paged through). */
@Command(name = "show", description = "Displays configured registration entries")
public final class EntryShowCommand extends AdminCommand {
  @Option(names = {"-entryID", "--entryID"}, description = "The Entry ID of the records to show")
  String entryId;

  @Option(names = {"-spiffeID", "--spiffeID"}, description = "The SPIFFE ID of the records to show")
  String spiffeId;

  @Option(names = {"-parentID", "--parentID"}, description = "The Parent ID of the records to show")
  String parentId;

  @Option(names = {"-selector", "--selector"}, description = "A colon-delimited type:value selector. Can be used more than once")
  List<String> selectors = new ArrayList<>();

  @Option(names = {"-matchSelectorsOn", "--matchSelectorsOn"}, defaultValue = "superset",
      description = "The match mode used when filtering by selectors. Options: exact, any, superset and subset")
  String matchSelectorsOn;

  @Option(names = {"-federatesWith", "--federatesWith"}, description = "SPIFFE ID of a trust domain an entry is federate with. Can be used more than once")
  List<String> federatesWith = new ArrayList<>();

  @Option(names = {"-matchFederatesWithOn", "--matchFederatesWithOn"}, defaultValue = "superset",
      description = "The match mode used when filtering by federates with. Options: exact, any, superset and subset")
  String matchFederatesWithOn;

  @Option(names = {"-downstream", "--downstream"}, arity = "0..1", description = "A boolean value that, when set, indicates that the entry describes a downstream SPIRE server")
  Boolean downstream;

  @Option(names = {"-hint", "--hint"}, description = "The Hint of the records to show (optional)")
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
