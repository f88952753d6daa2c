package dev.signet.server.cli.entry;

import dev.signet.proto.spire.api.server.entry.v1.CountEntriesRequest;
import dev.signet.proto.spire.api.server.entry.v1.CountEntriesResponse;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import picocli.CommandLine.Command;

/** {@code entry count}. */
@Command(name = "count", description = "Print how many entries are registered")
public final class EntryCountCommand extends AdminCommand {
  @Override
  protected int run(AdminClient client, Printer out) {
    CountEntriesResponse response = client.entries().countEntries(CountEntriesRequest.getDefaultInstance());
    if (out.json()) {
      out.json(response);
    } else {
      out.line(response.getCount() + " registration entr" + (response.getCount() == 1 ? "y" : "ies"));
    }
    return 0;
  }
}
