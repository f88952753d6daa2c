package dev.signet.agent.cli;

import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.agent.config.AgentConfigLoader;
import dev.signet.agent.config.AgentFlags;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code validate}: checks {@code agent.conf} with the loader {@code run} uses (every key, the plugin
 * blocks and their {@code plugin_data}) and starts nothing; prints what {@code spire-agent validate} prints.
 */
@Command(name = "validate", description = "Validates a SPIRE agent configuration file")
final class ValidateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-config", "--config"}, defaultValue = "conf/agent/agent.conf", description = "Path to a SPIRE config file")
  Path config;
  @Option(names = {"-expandEnv", "--expandEnv"}, description = "Expand environment variables in the config file")
  boolean expandEnv;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    AgentFlags flags = new AgentFlags(null, null, null, null, null, null, null, null, null, null, null, expandEnv);
    try {
      AgentConfigLoader.Loaded loaded = AgentConfigLoader.load(config, flags);
      loaded.warnings().forEach(w -> err.println("Warning: " + w));
      loaded.config().plugins().forEach(ConfiguredPlugin::checkHost); // what run reads on this host
      out.println("SPIRE agent configuration file is valid.");
      return 0;
    } catch (IllegalArgumentException e) { // ConfigException, InvalidSpiffeIdException, bad values
      err.println("SPIRE agent configuration file is invalid: " + e.getMessage());
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
