package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryRequest;
import dev.signet.proto.spire.api.server.entry.v1.BatchDeleteEntryResponse;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entry delete -entryID ID}. */
@Command(name = "delete", description = "Remove a registration entry")
public final class EntryDeleteCommand extends AdminCommand {
  @Option(names = {"-entryID", "--entryID"}, required = true, description = "ID of the entry to remove")
  String entryId;

  @Override
  protected int run(AdminClient client, Printer out) {
    BatchDeleteEntryResponse response = client.entries().batchDeleteEntry(
        BatchDeleteEntryRequest.newBuilder().addIds(entryId).build());
    if (out.json()) {
      out.json(response); // the item's status is in the JSON; spire-server exits 0 here too
      return 0;
    }
    var result = response.getResults(0);
    if (result.getStatus().getCode() != 0) {
      System.err.println("Error: failed to delete entry: " + result.getStatus().getMessage());
      return 1;
    }
    out.line("Deleted entry with ID: " + entryId);
    return 0;
  }
}
