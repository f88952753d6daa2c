package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchCreateEntryResponse;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code entry create}: registers one workload or node entry. */
@Command(name = "create", description = "Register a workload or node alias")
public final class EntryCreateCommand extends AdminCommand {
  @Mixin
  EntryFlags flags;

  @Option(names = {"-entryID", "--entryID"}, description = "Choose the entry ID instead of a generated one")
  String entryId;

  @Override
  protected int run(AdminClient client, Printer out) {
    Entry requested = flags.toEntry(entryId);
    BatchCreateEntryResponse.Builder shown = client.entries().batchCreateEntry(
        BatchCreateEntryRequest.newBuilder().addEntries(requested).build()).toBuilder();
    for (BatchCreateEntryResponse.Result.Builder result : shown.getResultsBuilderList()) {
      if (result.getStatus().getCode() != 0) {
        result.setEntry(requested); // a failed item shows what was asked for, as spire-server's CLI shows it
      }
    }
    BatchCreateEntryResponse response = shown.build();
    return EntryResults.print(out, "create", response.getResultsList().stream()
        .map(r -> new EntryResults.Item(r.getStatus(), r.getEntry())).toList(), response);
  }
}
