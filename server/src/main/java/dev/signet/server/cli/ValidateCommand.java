package dev.signet.server.cli;

import dev.signet.common.plugin.ConfiguredPlugin;
import dev.signet.server.config.ServerConfigLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code validate}: checks a config file with the same code {@code run} uses, starts nothing. */
@Command(name = "validate", description = "Check a server configuration file without starting")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() {
    try {
      ServerConfigLoader.Loaded loaded = options.load();
      loaded.warnings().forEach(w -> System.err.println("Warning: " + w));
      loaded.config().plugins().forEach(ConfiguredPlugin::checkHost); // what run reads on this host
      System.out.println("SPIRE server configuration file is valid.");
      return 0;
    } catch (IllegalArgumentException e) { // ConfigException, InvalidSpiffeIdException, bad values
      System.err.println("SPIRE server configuration file is invalid: " + e.getMessage());
      return 1;
    }
  }
}
