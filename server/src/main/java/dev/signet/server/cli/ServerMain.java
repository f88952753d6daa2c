package dev.signet.server.cli;

import dev.signet.common.cli.HelpOptions;
import dev.signet.common.cli.SubcommandsOnDemand;
import dev.signet.common.crypto.CryptoProviders;
import dev.signet.common.lifecycle.StartupWarmUp;
import dev.signet.server.cli.agent.AgentCommands;
import dev.signet.server.cli.bundle.BundleCommands;
import dev.signet.server.cli.federation.FederationCommands;
import dev.signet.server.cli.entry.EntryCommands;
import dev.signet.server.cli.localauthority.LocalAuthorityCommands;
import dev.signet.server.cli.svid.MintCommands;
import dev.signet.server.endpoint.TlsProviders;
import java.util.List;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/**
 * {@code signet-server}: the same verbs and Go-style flags as {@code spire-server}. {@code -h}, {@code -help}
 * and {@code --help} work on every subcommand as they do with spire-server ({@link HelpOptions}); the version
 * flags are inherited.
 */
@Command(name = "signet-server", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
    version = "signet-server 0.1.0",
    description = "SPIFFE server: CA and registration API of a trust domain")
public final class ServerMain {
  /** The verbs, in the order the usage lists them. */
  static final List<Class<?>> VERBS = List.of(RunCommand.class, ValidateCommand.class, HealthcheckCommand.class,
      TokenCommands.class, EntryCommands.class, AgentCommands.class, BundleCommands.class, MintCommands.X509.class,
      MintCommands.Jwt.class, LocalAuthorityCommands.class, FederationCommands.class, AuditCommands.class,
      PolicyCommands.class, OidcDiscoveryCommand.class, CliTrainingCommand.class);

  private ServerMain() {}

  public static void main(String[] args) {
    // before anything loads Netty's OpenSSL classes: no TLS session resumption in BoringSSL
    TlsProviders.disableResumption();
    if (args.length > 0 && args[0].equals(RunCommand.NAME)) {
      warmUpDaemon();
    }
    System.exit(commandLine(args).execute(args));
  }

  /**
   * For {@code run}: the slow first uses that the daemon's start reaches late, made on a thread of their own
   * ({@link StartupWarmUp}) once the logging is up, while the main thread reads the config, checks the native
   * provider and opens the datastore. BouncyCastle's provider checks the CA's first signatures
   * ({@code IndependentCheck}); BoringSSL serves the TLS endpoint. Neither is touched before, so the warm-up
   * changes no order of initialization that matters (session resumption is already off).
   */
  private static void warmUpDaemon() {
    // The logging first, on this thread. SLF4J answers a thread that asks for a logger while another initializes it
    // with a stand-in factory, and RunCommand's logging set-up (DaemonLogging) refuses to start on that: under load,
    // a warm-up task that logged first made the daemon exit ("slf4j is not bound to logback").
    LoggerFactory.getILoggerFactory();
    StartupWarmUp.start("signet-server", List.of(CryptoProviders::bouncyCastle, TlsProviders::provider));
  }

  /** The command line with every verb (also used by tests to run commands in process). */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /** The command line with the verbs {@code args} needs ({@link SubcommandsOnDemand}). */
  static CommandLine commandLine(String[] args) {
    return SubcommandsOnDemand.commandLine(new ServerMain(), VERBS, args).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
