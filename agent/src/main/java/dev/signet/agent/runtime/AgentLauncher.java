package dev.signet.agent.runtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.signet.agent.cli.AgentRunner;
import dev.signet.agent.cli.RunOptions;
import dev.signet.agent.config.AgentConfig;
import dev.signet.agent.config.AgentConfigLoader;
import dev.signet.agent.config.AgentFlags;
import dev.signet.common.process.FatalErrors;
import dev.signet.common.process.TerminationSignals;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code signet-agent run}: loads and checks the config, starts the {@link AgentRuntime} and keeps it
 * running until the process is told to stop (SIGTERM/SIGINT: clean shutdown, exit 0) or the agent stops
 * by itself (banned, or unable to prove its identity: exit 1).
 */
public final class AgentLauncher implements AgentRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AgentLauncher.class);

  @Override
  public int run(RunOptions options) throws Exception {
    AgentConfigLoader.Loaded loaded;
    try {
      loaded = AgentConfigLoader.load(options.config(), flags(options));
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    AgentConfig config = loaded.config();
    setLogLevel(config.logLevel());
    loaded.warnings().forEach(w -> LOG.warn("{}", w));
    FatalErrors.PROCESS.installAsDefault(); // a thread dying of an Error ends the daemon (see FatalErrors)
    AgentRuntime runtime = AgentRuntime.start(config, Clock.systemUTC());
    TerminationSignals.onTerminate(runtime::close);
    String reason = runtime.stopped().get();
    if (reason.equals("closed")) {
      return 0;
    }
    runtime.close();
    System.err.println("Error: " + reason);
    return 1;
  }

  private static AgentFlags flags(RunOptions o) {
    return new AgentFlags(o.joinToken(), o.joinTokenFile(), o.serverAddress(), o.serverPort(), o.trustDomain(),
        o.trustBundle(), o.trustBundleUrl(), o.insecureBootstrap(), o.dataDir(), o.socketPath(), o.logLevel(),
        o.expandEnv());
  }

  /** Applies {@code log_level} to the root logger. */
  static void setLogLevel(String level) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(level, Level.INFO));
    }
  }
}
