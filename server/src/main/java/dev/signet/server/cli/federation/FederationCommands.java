package dev.signet.server.cli.federation;

import com.google.protobuf.Empty;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchCreateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchDeleteFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.BatchUpdateFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.GetFederationRelationshipRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsRequest;
import dev.signet.proto.spire.api.server.trustdomain.v1.ListFederationRelationshipsResponse;
import dev.signet.proto.spire.api.server.trustdomain.v1.RefreshBundleRequest;
import dev.signet.proto.spire.api.types.FederationRelationship;
import dev.signet.proto.spire.api.types.HTTPSSPIFFEProfile;
import dev.signet.proto.spire.api.types.HTTPSWebProfile;
import dev.signet.proto.spire.api.types.Status;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import dev.signet.server.cli.bundle.BundleFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code federation create|update|show|list|delete|refresh}, as spire-server has them. */
@Command(name = "federation", description = "Manage federation relationships with other trust domains",
    subcommands = {FederationCommands.CreateCommand.class, FederationCommands.UpdateCommand.class,
        FederationCommands.ShowCommand.class, FederationCommands.ListCommand.class,
        FederationCommands.DeleteCommand.class, FederationCommands.RefreshCommand.class})
public final class FederationCommands {
  private FederationCommands() {}

  /** The flags create and update share: one relationship. */
  abstract static class RelationshipCommand extends AdminCommand {
    @Option(names = {"-trustDomain", "--trustDomain"}, required = true, description = "Name of the trust domain to federate with")
    String trustDomain;

    @Option(names = {"-bundleEndpointURL", "--bundleEndpointURL"}, required = true, description = "URL of the SPIFFE bundle endpoint that serves its bundle")
    String bundleEndpointUrl;

    @Option(names = {"-bundleEndpointProfile", "--bundleEndpointProfile"}, defaultValue = "https_spiffe",
        description = "Endpoint profile: https_web or https_spiffe (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = {"-endpointSpiffeID", "--endpointSpiffeID"}, description = "SPIFFE ID of the bundle endpoint server (https_spiffe)")
    String endpointSpiffeId;

    @Option(names = {"-trustDomainBundlePath", "--trustDomainBundlePath"}, description = "File with the trust domain's bundle, to bootstrap https_spiffe")
    Path bundlePath;

    @Option(names = {"-trustDomainBundleFormat", "--trustDomainBundleFormat"}, defaultValue = "pem",
        description = "Encoding of the bundle file: pem or spiffe (default: ${DEFAULT-VALUE})")
    String bundleFormat;

    /** What the server answered for the one relationship sent, and its whole response (for JSON). */
    record Result(String verb, Status status, FederationRelationship relationship,
        com.google.protobuf.MessageOrBuilder response) {}

    /** Sends the relationship with the command's RPC. */
    abstract Result submit(AdminClient client, FederationRelationship relationship);

    @Override
    protected int run(AdminClient client, Printer out) {
      Result result = submit(client, relationship());
      if (out.json()) {
        out.json(result.response()); // the status is in the JSON; spire-server exits 0 here too
        return 0;
      }
      if (result.status().getCode() != 0) {
        System.err.println("Error: failed to " + result.verb() + " federation relationship: "
            + result.status().getMessage());
        return 1;
      }
      print(out, List.of(result.relationship()));
      return 0;
    }

    FederationRelationship relationship() {
      String name = TrustDomain.parse(trustDomain).name();
      var relationship = FederationRelationship.newBuilder().setTrustDomain(name)
          .setBundleEndpointUrl(bundleEndpointUrl);
      switch (profile) {
        case "https_web" -> relationship.setHttpsWeb(HTTPSWebProfile.getDefaultInstance());
        case "https_spiffe" -> {
          if (endpointSpiffeId == null) {
            throw new IllegalArgumentException("-endpointSpiffeID is required with the https_spiffe profile");
          }
          relationship.setHttpsSpiffe(HTTPSSPIFFEProfile.newBuilder().setEndpointSpiffeId(endpointSpiffeId));
        }
        default -> throw new IllegalArgumentException("unknown bundle endpoint profile \"" + profile
            + "\" (expected https_web or https_spiffe)");
      }
      if (bundlePath != null) {
        try {
          relationship.setTrustDomainBundle(BundleFormat.parse(bundleFormat).parse(TrustDomain.parse(name),
              Files.readString(bundlePath)));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the trust domain bundle " + bundlePath, e);
        }
      }
      return relationship.build();
    }
  }

  /** {@code federation create}. */
  @Command(name = "create", description = "Create a federation relationship with a trust domain")
  public static final class CreateCommand extends RelationshipCommand {
    @Override
    Result submit(AdminClient client, FederationRelationship relationship) {
      var response = client.trustDomains().batchCreateFederationRelationship(BatchCreateFederationRelationshipRequest
          .newBuilder().addFederationRelationships(relationship).build());
      var result = response.getResults(0);
      return new Result("create", result.getStatus(), result.getFederationRelationship(), response);
    }
  }

  /** {@code federation update}: replaces the relationship's endpoint, profile and (when given) bundle. */
  @Command(name = "update", description = "Update a federation relationship with a trust domain")
  public static final class UpdateCommand extends RelationshipCommand {
    @Override
    Result submit(AdminClient client, FederationRelationship relationship) {
      var response = client.trustDomains().batchUpdateFederationRelationship(BatchUpdateFederationRelationshipRequest
          .newBuilder().addFederationRelationships(relationship).build());
      var result = response.getResults(0);
      return new Result("update", result.getStatus(), result.getFederationRelationship(), response);
    }
  }

  /** {@code federation show -trustDomain TD}. */
  @Command(name = "show", description = "Show a federation relationship")
  public static final class ShowCommand extends AdminCommand {
    @Option(names = {"-trustDomain", "--trustDomain"}, required = true, description = "Name of the federated trust domain")
    String trustDomain;

    @Override
    protected int run(AdminClient client, Printer out) {
      FederationRelationship relationship = client.trustDomains().getFederationRelationship(
          GetFederationRelationshipRequest.newBuilder().setTrustDomain(TrustDomain.parse(trustDomain).name()).build());
      if (out.json()) {
        out.json(relationship); // the one relationship, as spire-server prints it
        return 0;
      }
      print(out, List.of(relationship));
      return 0;
    }
  }

  /** {@code federation list}. */
  @Command(name = "list", description = "List federation relationships")
  public static final class ListCommand extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      List<FederationRelationship> all = new ArrayList<>();
      String token = "";
      do {
        ListFederationRelationshipsResponse page = client.trustDomains().listFederationRelationships(
            ListFederationRelationshipsRequest.newBuilder().setPageToken(token).build());
        all.addAll(page.getFederationRelationshipsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      print(out, all);
      return 0;
    }
  }

  /** {@code federation delete -id TD}. */
  @Command(name = "delete", description = "Delete a federation relationship (the bundle stays)")
  public static final class DeleteCommand extends AdminCommand {
    @Option(names = {"-id", "--id"}, required = true, description = "Name of the federated trust domain")
    String id;

    @Override
    protected int run(AdminClient client, Printer out) {
      var response = client.trustDomains().batchDeleteFederationRelationship(BatchDeleteFederationRelationshipRequest
          .newBuilder().addTrustDomains(TrustDomain.parse(id).name()).build());
      if (out.json()) {
        out.json(response); // the status is in the JSON; spire-server exits 0 here too
        return 0;
      }
      var result = response.getResults(0);
      if (result.getStatus().getCode() != 0) {
        System.err.println("Error: failed to delete federation relationship: " + result.getStatus().getMessage());
        return 1;
      }
      out.line("federation relationship deleted.");
      return 0;
    }
  }

  /** {@code federation refresh -id TD}: fetch the trust domain's bundle from its endpoint now. */
  @Command(name = "refresh", description = "Fetch a federated trust domain's bundle from its endpoint now")
  public static final class RefreshCommand extends AdminCommand {
    @Option(names = {"-id", "--id"}, required = true, description = "Name of the federated trust domain")
    String id;

    @Override
    protected int run(AdminClient client, Printer out) {
      Empty ignored = client.trustDomains().refreshBundle(
          RefreshBundleRequest.newBuilder().setTrustDomain(TrustDomain.parse(id).name()).build());
      if (out.json()) {
        out.json(ignored);
      } else {
        out.line("Bundle refreshed");
      }
      return 0;
    }
  }

  private static void print(Printer out, List<FederationRelationship> relationships) {
    if (out.json()) {
      out.json(ListFederationRelationshipsResponse.newBuilder().addAllFederationRelationships(relationships));
      return;
    }
    out.line("Found " + relationships.size() + " federation relationship" + (relationships.size() == 1 ? "" : "s"));
    for (FederationRelationship relationship : relationships) {
      out.blank();
      out.field("Trust domain", relationship.getTrustDomain());
      out.field("Bundle endpoint URL", relationship.getBundleEndpointUrl());
      if (relationship.hasHttpsSpiffe()) {
        out.field("Bundle endpoint profile", "https_spiffe");
        out.field("Endpoint SPIFFE ID", relationship.getHttpsSpiffe().getEndpointSpiffeId());
      } else {
        out.field("Bundle endpoint profile", "https_web");
      }
    }
  }
}
