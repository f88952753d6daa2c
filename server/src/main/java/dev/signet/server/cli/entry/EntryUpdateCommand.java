package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchUpdateEntryResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entry update}: replaces the fields of an existing entry (all of them, as spire-server does). */
@Command(name = "update", description = "Change an existing registration entry")
public final class EntryUpdateCommand extends AdminCommand {
  @Mixin
  EntryFlags flags;

  @Option(names = {"-entryID", "--entryID"}, required = true, description = "ID of the entry to change")
  String entryId;

  @Override
  protected int run(AdminClient client, Printer out) {
    Entry requested = flags.toEntry(entryId);
    BatchUpdateEntryResponse.Builder shown = client.entries().batchUpdateEntry(
        BatchUpdateEntryRequest.newBuilder().addEntries(requested).build()).toBuilder();
    for (BatchUpdateEntryResponse.Result.Builder result : shown.getResultsBuilderList()) {
      if (result.getStatus().getCode() != 0) {
        result.setEntry(requested); // a failed item shows what was asked for, as spire-server's CLI shows it
      }
    }
    BatchUpdateEntryResponse response = shown.build();
    return EntryResults.print(out, "update", response.getResultsList().stream()
        .map(r -> new EntryResults.Item(r.getStatus(), r.getEntry())).toList(), response);
  }
}
