package dev.signet.agent.cli;

import dev.signet.agent.helper.HelperCommand;
import dev.signet.common.cli.HelpOptions;
import dev.signet.common.cli.SubcommandsOnDemand;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code signet-agent}: mirrors {@code spire-agent}'s verbs and Go-style single-dash flags.
 * <ul>
 *   <li>{@code run} — runs the agent (delegated to an {@link AgentRunner});</li>
 *   <li>{@code api fetch x509 [-write DIR] [-silent]}, {@code api fetch jwt -audience A},
 *       {@code api validate jwt -audience A -svid TOKEN} — Workload API clients;</li>
 *   <li>{@code validate -config FILE} — checks the config with the loader {@code run} uses;</li>
 *   <li>{@code healthcheck [-shallow] [-verbose]} — {@code grpc.health.v1} on the agent socket;</li>
 *   <li>{@code helper -config helper.conf [-daemon-mode] [-version]} — spiffe-helper's SVID files
 *       ({@link HelperCommand}).</li>
 * </ul>
 * The client commands take {@code -socketPath}, honouring {@code SPIFFE_ENDPOINT_SOCKET}, and
 * {@code -output pretty|json}. Every command takes {@code -h}, {@code -help} and {@code --help}
 * ({@link HelpOptions}).
 */
@Command(name = "signet-agent", mixinStandardHelpOptions = true, version = "signet-agent 0.1.0",
    description = "Signet agent: SPIRE-compatible node agent and Workload API")
public final class AgentMain {
  /** The verbs, in the order the usage lists them. */
  static final List<Class<?>> VERBS = List.of(RunCommand.class, ValidateCommand.class, AgentMain.Api.class,
      HealthcheckCommand.class, HelperCommand.class);

  private final AgentRunner runner;

  public AgentMain(AgentRunner runner) {
    this.runner = runner;
  }

  /** The runner, or null when {@code run} is not wired in this build. */
  AgentRunner runner() {
    return runner;
  }

  /** A command line with every verb for this agent, writing to the given streams (tests capture them). */
  public static CommandLine commandLine(AgentRunner runner, PrintWriter out, PrintWriter err) {
    return commandLine(runner, out, err, new String[0]);
  }

  /** The command line with the verbs {@code args} needs ({@link SubcommandsOnDemand}). */
  static CommandLine commandLine(AgentRunner runner, PrintWriter out, PrintWriter err, String[] args) {
    CommandLine commandLine = SubcommandsOnDemand.commandLine(new AgentMain(runner), VERBS, args);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }

  /** Runs {@code args} and returns the exit code. */
  public static int execute(AgentRunner runner, String... args) {
    return commandLine(runner, new PrintWriter(System.out, true), new PrintWriter(System.err, true), args)
        .execute(args);
  }

  public static void main(String[] args) {
    System.exit(execute(new dev.signet.agent.runtime.AgentLauncher(), args));
  }

  /** {@code api}: Workload API client commands. */
  @Command(name = "api", description = "Interact with the Workload API",
      subcommands = {Api.Fetch.class, Api.Validate.class, WatchCommand.class})
  static final class Api {
    /** Without a subcommand it fetches X509-SVIDs, as {@code spire-agent api fetch} does. */
    @Command(name = "fetch", description = "Fetch SVIDs (X509-SVIDs when no subcommand is given)",
        subcommands = {FetchX509Command.class, FetchJwtCommand.class})
    static final class Fetch extends X509Fetch {}

    @Command(name = "validate", description = "Validate SVIDs", subcommands = {ValidateJwtCommand.class})
    static final class Validate {}
  }
}
