package dev.signet.server.cli.bundle;

import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.server.bundle.v1.BatchDeleteFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.BatchSetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.CountBundlesRequest;
import dev.signet.proto.spire.api.server.bundle.v1.CountBundlesResponse;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.GetFederatedBundleRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesRequest;
import dev.signet.proto.spire.api.server.bundle.v1.ListFederatedBundlesResponse;
import dev.signet.proto.spire.api.types.Bundle;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bundle show|list|set|delete|count}, as spire-server has them. */
@Command(name = "bundle", description = "Show our trust bundle; manage federated ones",
    subcommands = {BundleCommands.ShowCommand.class, BundleCommands.ListCommand.class, BundleCommands.SetCommand.class,
        BundleCommands.DeleteCommand.class, BundleCommands.CountCommand.class})
public final class BundleCommands {
  private BundleCommands() {}

  /** {@code bundle show [-format pem|spiffe]}: the server's own bundle. */
  @Command(name = "show", description = "Print this trust domain's bundle")
  public static final class ShowCommand extends AdminCommand {
    @Option(names = {"-format", "--format"}, defaultValue = "pem", description = "Bundle encoding, pem or spiffe (ignored with -output json)")
    String format;

    @Override
    protected int run(AdminClient client, Printer out) {
      BundleFormat chosen = BundleFormat.parse(format);
      Bundle bundle = client.bundles().getBundle(GetBundleRequest.getDefaultInstance());
      if (out.json()) {
        out.json(bundle);
      } else {
        System.out.print(chosen.render(bundle));
      }
      return 0;
    }
  }

  /** {@code bundle list [-id TD] [-format pem|spiffe]}: federated bundles. */
  @Command(name = "list", description = "Print the bundles of federated trust domains")
  public static final class ListCommand extends AdminCommand {
    @Option(names = {"-id", "--id"}, description = "Trust domain, as spiffe://<name>")
    String id;

    @Option(names = {"-format", "--format"}, defaultValue = "pem", description = "Bundle encoding, pem or spiffe")
    String format;

    @Override
    protected int run(AdminClient client, Printer out) {
      BundleFormat chosen = BundleFormat.parse(format);
      List<Bundle> bundles = new ArrayList<>();
      if (id != null) {
        bundles.add(client.bundles().getFederatedBundle(GetFederatedBundleRequest.newBuilder()
            .setTrustDomain(TrustDomain.parse(id).name()).build()));
      } else {
        String token = "";
        do {
          ListFederatedBundlesResponse page = client.bundles().listFederatedBundles(
              ListFederatedBundlesRequest.newBuilder().setPageToken(token).build());
          bundles.addAll(page.getBundlesList());
          token = page.getNextPageToken();
        } while (!token.isEmpty());
      }
      if (out.json()) {
        // one bundle asked for by -id is printed as that bundle, as spire-server does
        out.json(id != null ? bundles.get(0) : ListFederatedBundlesResponse.newBuilder().addAllBundles(bundles));
        return 0;
      }
      for (Bundle bundle : bundles) {
        if (id == null) {
          out.line("****************************************");
          out.line("* " + bundle.getTrustDomain());
          out.line("****************************************");
        }
        System.out.print(chosen.render(bundle));
      }
      return 0;
    }
  }

  /** {@code bundle set -id TD [-path FILE] [-format pem|spiffe]}: creates or replaces a federated bundle. */
  @Command(name = "set", description = "Store (create or replace) a federated trust domain's bundle")
  public static final class SetCommand extends AdminCommand {
    @Option(names = {"-id", "--id"}, required = true, description = "Trust domain, as spiffe://<name>")
    String id;

    @Option(names = {"-path", "--path"}, description = "File holding the bundle; standard input when omitted")
    String path;

    @Option(names = {"-format", "--format"}, defaultValue = "pem", description = "Encoding of the input, pem or spiffe")
    String format;

    @Override
    protected int run(AdminClient client, Printer out) {
      BundleFormat chosen = BundleFormat.parse(format);
      String text;
      try {
        text = path == null ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(path));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read bundle data", e);
      }
      Bundle bundle = chosen.parse(TrustDomain.parse(id), text);
      var response = client.bundles().batchSetFederatedBundle(
          BatchSetFederatedBundleRequest.newBuilder().addBundle(bundle).build());
      if (out.json()) {
        out.json(response);
        return 0;
      }
      var status = response.getResults(0).getStatus();
      if (status.getCode() != 0) {
        System.err.println("Error: failed to set federated bundle: " + status.getMessage());
        return 1;
      }
      out.line("bundle set.");
      return 0;
    }
  }

  /** {@code bundle delete -id TD [-mode restrict|delete|dissociate]}. */
  @Command(name = "delete", description = "Remove a federated trust domain's bundle")
  public static final class DeleteCommand extends AdminCommand {
    @Option(names = {"-id", "--id"}, required = true, description = "Trust domain, as spiffe://<name>")
    String id;

    @Option(names = {"-mode", "--mode"}, defaultValue = "restrict", description = "What happens to entries federating with it: restrict (refuse if any), delete (delete them) or dissociate (unlink them)")
    String mode;

    @Override
    protected int run(AdminClient client, Printer out) {
      var chosen = switch (mode) {
        case "restrict" -> BatchDeleteFederatedBundleRequest.Mode.RESTRICT;
        case "delete" -> BatchDeleteFederatedBundleRequest.Mode.DELETE;
        case "dissociate" -> BatchDeleteFederatedBundleRequest.Mode.DISSOCIATE;
        default -> throw new IllegalArgumentException("unsupported mode \"" + mode + "\"");
      };
      TrustDomain.parse(id); // a malformed -id fails here, before the server is asked
      // sent as given (spiffe://name or name, the server takes both), so the result names it as the user did, as
      // spire-server's CLI does
      var response = client.bundles().batchDeleteFederatedBundle(BatchDeleteFederatedBundleRequest.newBuilder()
          .addTrustDomains(id).setMode(chosen).build());
      if (out.json()) {
        out.json(response);
        return 0;
      }
      var status = response.getResults(0).getStatus();
      if (status.getCode() != 0) {
        System.err.println("Error: failed to delete federated bundle: " + status.getMessage());
        return 1;
      }
      out.line("bundle deleted.");
      return 0;
    }
  }

  /** {@code bundle count}. */
  @Command(name = "count", description = "Print how many bundles are stored")
  public static final class CountCommand extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      CountBundlesResponse response = client.bundles().countBundles(CountBundlesRequest.getDefaultInstance());
      if (out.json()) {
        out.json(response);
      } else {
        out.line(response.getCount() + " bundle" + (response.getCount() == 1 ? "" : "s"));
      }
      return 0;
    }
  }
}
