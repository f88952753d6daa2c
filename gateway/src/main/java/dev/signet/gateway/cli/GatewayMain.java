package dev.signet.gateway.cli;

import dev.signet.common.cli.HelpOptions;
import dev.signet.common.files.ProcessUmask;
import dev.signet.common.process.FatalErrors;
import dev.signet.common.process.TerminationSignals;
import dev.signet.gateway.GatewayRuntime;
import dev.signet.gateway.config.GatewayConfig;
import dev.signet.gateway.config.GatewayConfigLoader;
import dev.signet.server.endpoint.TlsProviders;
import dev.signet.logging.DaemonLogging;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code signet-gateway}: {@code run -config FILE} runs the gateway, {@code validate -config FILE} checks
 * the config with the same loader and exits.
 */
@Command(name = "signet-gateway", mixinStandardHelpOptions = true, version = "signet-gateway 0.1.0",
    description = "Signet gateway: mutual TLS with SPIFFE identities in front of unchanged services",
    subcommands = {GatewayMain.Run.class, GatewayMain.Validate.class})
public final class GatewayMain {
  /** Options both commands take. */
  abstract static class ConfigCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = {"-config", "--config"}, paramLabel = "FILE", description = "Path to the gateway config file",
        defaultValue = "conf/gateway/gateway.conf")
    Path config;

    @Option(names = {"-expandEnv", "--expandEnv"}, description = "Expand $VAR and $${VAR} in the config file")
    boolean expandEnv;

    GatewayConfig load() {
      return GatewayConfigLoader.load(config, expandEnv);
    }

    int error(String message) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("Error: " + message);
      err.flush();
      return 1;
    }
  }

  @Command(name = "validate", description = "Validate a gateway configuration file")
  static final class Validate extends ConfigCommand {
    @Override
    public Integer call() {
      try {
        GatewayConfig loaded = load();
        spec.commandLine().getOut().println("Configuration is valid: " + loaded.inbound().size() + " inbound, "
            + loaded.outbound().size() + " outbound routes");
        spec.commandLine().getOut().flush();
        return 0;
      } catch (IllegalArgumentException e) {
        return error(e.getMessage());
      }
    }
  }

  @Command(name = "run", description = "Run the gateway")
  static final class Run extends ConfigCommand {
    @Override
    public Integer call() throws Exception {
      GatewayConfig config;
      try {
        config = load();
        DaemonLogging.apply(config.logLevel(), config.logOutput());
      } catch (IllegalArgumentException e) {
        return error(e.getMessage());
      }
      ProcessUmask.restrict();
      FatalErrors.PROCESS.installAsDefault();
      GatewayRuntime runtime;
      try {
        runtime = GatewayRuntime.start(config, Clock.systemUTC());
      } catch (TimeoutException | IllegalArgumentException | java.io.IOException
          | dev.signet.common.crypto.CryptoProviderException e) {
        return error(e.getMessage());
      }
      TerminationSignals.onTerminate(runtime::close);
      return runtime.stopped().get().equals("closed") ? 0 : 1;
    }
  }

  /** The command line of the gateway, with {@code -h}, {@code -help} and {@code --help} on every command. */
  public static CommandLine commandLine() {
    CommandLine commandLine = HelpOptions.install(new CommandLine(new GatewayMain()));
    commandLine.setOut(new PrintWriter(System.out, true));
    commandLine.setErr(new PrintWriter(System.err, true));
    return commandLine;
  }

  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static void main(String[] args) {
    // before anything loads Netty's OpenSSL classes: no TLS session resumption in BoringSSL
    TlsProviders.disableResumption();
    System.exit(execute(args));
  }
}
