package dev.signet.server.cli;

import dev.signet.proto.transport.AdminClient;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.spire.api.server.agent.v1.CreateJoinTokenRequest;
import dev.signet.proto.spire.api.types.JoinToken;
import dev.signet.proto.spire.api.types.SPIFFEID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code token generate}. */
@Command(name = "token", description = "Join tokens for agent attestation", subcommands = TokenCommands.GenerateCommand.class)
public final class TokenCommands {
  private TokenCommands() {}

  /** Generates a join token; with {@code -spiffeID}, also an entry aliasing the agent to that ID. */
  @Command(name = "generate", description = "Create a one-time join token")
  public static final class GenerateCommand extends AdminCommand {
    @Option(names = {"-spiffeID", "--spiffeID"}, description = "Optional extra SPIFFE ID (an alias entry) for the agent that uses the token")
    String spiffeId;

    @Option(names = {"-ttl", "--ttl"}, defaultValue = "600", description = "Seconds until the token expires")
    int ttl;

    @Override
    protected int run(AdminClient client, Printer out) {
      CreateJoinTokenRequest.Builder request = CreateJoinTokenRequest.newBuilder().setTtl(ttl);
      if (spiffeId != null) {
        SpiffeId id = SpiffeId.parse(spiffeId);
        request.setAgentId(SPIFFEID.newBuilder().setTrustDomain(id.trustDomain().name()).setPath(id.path()));
      }
      JoinToken token = client.agents().createJoinToken(request.build());
      if (out.json()) {
        out.json(token);
      } else {
        out.line("Token: " + token.getValue());
      }
      return 0;
    }
  }
}
