package dev.signet.server.cli.agent;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.agent.v1.BanAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.CountAgentsRequest;
import dev.signet.proto.spire.api.server.agent.v1.CountAgentsResponse;
import dev.signet.proto.spire.api.server.agent.v1.DeleteAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.GetAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsRequest;
import dev.signet.proto.spire.api.server.agent.v1.ListAgentsResponse;
import dev.signet.proto.spire.api.types.Agent;
import dev.signet.proto.spire.api.types.SPIFFEID;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code agent list|show|count|ban|evict}, as spire-server has them. */
@Command(name = "agent", description = "Inspect, ban and evict attested agents",
    subcommands = {AgentCommands.ListCommand.class, AgentCommands.ShowCommand.class, AgentCommands.CountCommand.class,
        AgentCommands.BanCommand.class, AgentCommands.EvictCommand.class})
public final class AgentCommands {
  private AgentCommands() {}

  static SPIFFEID id(String spiffeId) {
    SpiffeId id = SpiffeId.parse(spiffeId);
    return SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()).build();
  }

  static void print(Printer out, Agent agent) {
    out.field("SPIFFE ID", "spiffe://" + agent.getId().getTrustDomain() + agent.getId().getPath());
    out.field("Attestation type", agent.getAttestationType());
    out.field("Expiration time", Instant.ofEpochSecond(agent.getX509SvidExpiresAt()));
    out.field("Serial number", agent.getX509SvidSerialNumber());
    out.field("Can re-attest", agent.getCanReattest());
    if (!agent.getAgentVersion().isEmpty()) {
      out.field("Agent version", agent.getAgentVersion());
    }
    if (agent.getBanned()) {
      out.field("Banned", true);
    }
    agent.getSelectorsList().forEach(s -> out.field("Selector", s.getType() + ":" + s.getValue()));
    out.blank();
  }

  /** {@code agent list}. */
  @Command(name = "list", description = "Print every attested agent")
  public static final class ListCommand extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      List<Agent> agents = new ArrayList<>();
      String token = "";
      do {
        ListAgentsResponse page = client.agents().listAgents(ListAgentsRequest.newBuilder().setPageToken(token).build());
        agents.addAll(page.getAgentsList());
        token = page.getNextPageToken();
      } while (!token.isEmpty());
      if (out.json()) {
        out.json(ListAgentsResponse.newBuilder().addAllAgents(agents));
        return 0;
      }
      if (agents.isEmpty()) {
        out.line("No attested agents found");
        return 0;
      }
      out.line("Found " + agents.size() + " attested agent" + (agents.size() == 1 ? "" : "s") + ":");
      out.blank();
      agents.forEach(a -> print(out, a));
      return 0;
    }
  }

  /** {@code agent show -spiffeID ID}. */
  @Command(name = "show", description = "Print one attested agent in detail")
  public static final class ShowCommand extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, required = true, description = "Agent SPIFFE ID")
    String spiffeId;

    @Override
    protected int run(AdminClient client, Printer out) {
      Agent agent = client.agents().getAgent(GetAgentRequest.newBuilder().setId(id(spiffeId)).build());
      if (out.json()) {
        out.json(agent);
      } else {
        out.line("Found an attested agent given its SPIFFE ID");
        out.blank();
        print(out, agent);
      }
      return 0;
    }
  }

  /** {@code agent count}. */
  @Command(name = "count", description = "Print how many agents are attested")
  public static final class CountCommand extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      CountAgentsResponse response = client.agents().countAgents(CountAgentsRequest.getDefaultInstance());
      if (out.json()) {
        out.json(response);
      } else {
        out.line(response.getCount() + " attested agent" + (response.getCount() == 1 ? "" : "s"));
      }
      return 0;
    }
  }

  /** {@code agent ban -spiffeID ID}. */
  @Command(name = "ban", description = "Refuse an agent from now on, until it is evicted")
  public static final class BanCommand extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, required = true, description = "Agent SPIFFE ID to ban")
    String spiffeId;

    @Override
    protected int run(AdminClient client, Printer out) {
      var response = client.agents().banAgent(BanAgentRequest.newBuilder().setId(id(spiffeId)).build());
      if (out.json()) {
        out.json(response);
      } else {
        out.line("Agent banned successfully");
      }
      return 0;
    }
  }

  /** {@code agent evict -spiffeID ID}. */
  @Command(name = "evict", description = "Forget an agent; it must attest again to get back in")
  public static final class EvictCommand extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, required = true, description = "Agent SPIFFE ID to evict")
    String spiffeId;

    @Override
    protected int run(AdminClient client, Printer out) {
      var response = client.agents().deleteAgent(DeleteAgentRequest.newBuilder().setId(id(spiffeId)).build());
      if (out.json()) {
        out.json(response);
      } else {
        out.line("Agent evicted successfully");
      }
      return 0;
    }
  }
}
