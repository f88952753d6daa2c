package dev.signet.server.cli.entry;

import dev.signet.common.cli.RpcErrorText;
import com.google.protobuf.MessageOrBuilder;
import dev.signet.proto.spire.api.types.Entry;
import dev.signet.proto.spire.api.types.Status;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.util.List;

/**
 * Prints batch results: successes to stdout, failures to stderr, exit code 1 if any failed; with
 * {@code -output json}, the whole response (statuses included) and exit code 0, as {@code spire-server} does.
 */
final class EntryResults {
  record Item(Status status, Entry entry) {}

  private EntryResults() {}

  static int print(Printer out, String verb, List<Item> items, MessageOrBuilder response) {
    boolean failed = false;
    if (out.json()) {
      out.json(response); // per-item statuses are in the JSON; spire-server exits 0 here too
      return 0;
    }
    for (Item item : items) {
      if (item.status().getCode() == 0) {
        if (!out.json()) {
          EntryPrinter.print(out, item.entry());
        }
      } else {
        failed = true;
        String code = RpcErrorText.goCode(io.grpc.Status.fromCodeValue(item.status().getCode()).getCode());
        System.err.printf("Failed to %s the following entry (code: %s, msg: \"%s\"):%n", verb, code,
            item.status().getMessage());
      }
    }
    return failed ? 1 : 0;
  }
}
