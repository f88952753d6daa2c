package dev.signet.agent.runtime;

import dev.signet.common.crypto.CryptoProviderException;
import dev.signet.agent.cli.AgentRunner;
import dev.signet.agent.cli.RunOptions;
import dev.signet.agent.config.AgentConfig;
import dev.signet.agent.config.AgentConfigLoader;
import dev.signet.agent.config.AgentFlags;
import dev.signet.common.process.FatalErrors;
import dev.signet.common.files.InsecurePermissionsException;
import dev.signet.common.files.ProcessUmask;
import dev.signet.common.lifecycle.SystemdNotifier;
import dev.signet.common.process.TerminationSignals;
import dev.signet.logging.DaemonLogging;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code signet-agent run}: loads and checks the config, starts the {@link AgentRuntime} and keeps it
 * running until the process is told to stop (SIGTERM/SIGINT: clean shutdown, exit 0) or the agent stops
 * by itself (banned, or unable to prove its identity: exit 1). Logging is set up first, from
 * {@code log_level}, {@code log_format} and {@code log_file} ({@link DaemonLogging}), then the umask is
 * raised to at least 0027 ({@link ProcessUmask}); a data_dir open to group or others, or a log file that cannot
 * be opened, is refused with one line and exit 1. Under systemd ({@code Type=notify}) it reports READY=1
 * once the Workload API socket serves and STOPPING=1 when it begins to stop ({@link SystemdNotifier}).
 */
public final class AgentLauncher implements AgentRunner {
  private static final Logger LOG = LoggerFactory.getLogger(AgentLauncher.class);

  @Override
  public int run(RunOptions options) throws Exception {
    AgentConfigLoader.Loaded loaded;
    SystemdNotifier systemd;
    try {
      loaded = AgentConfigLoader.load(options.config(), flags(options));
      systemd = SystemdNotifier.fromEnvironment(); // a malformed NOTIFY_SOCKET is refused before anything starts
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    AgentConfig config = loaded.config();
    try {
      DaemonLogging.apply(config.logLevel(), config.logOutput()); // a log file it creates is 0600 whatever the umask
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    ProcessUmask.restrict(); // its line goes to the configured log
    loaded.warnings().forEach(w -> LOG.warn("{}", w));
    FatalErrors.PROCESS.installAsDefault(); // a thread dying of an Error ends the daemon (see FatalErrors)
    AgentRuntime runtime;
    try {
      runtime = AgentRuntime.start(config, Clock.systemUTC());
    } catch (InsecurePermissionsException | CryptoProviderException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    TerminationSignals.onTerminate(() -> {
      systemd.stopping();
      runtime.close();
    });
    if (!runtime.stopped().isDone()) {
      systemd.ready(); // the Workload API socket serves: a Type=notify unit counts as started from here
    }
    String reason = runtime.stopped().get();
    if (reason.equals("closed")) {
      return 0;
    }
    try {
      runtime.close();
    } finally {
      System.err.println("Error: " + reason);
    }
    return 1;
  }

  private static AgentFlags flags(RunOptions o) {
    return new AgentFlags(o.joinToken(), o.joinTokenFile(), o.serverAddress(), o.serverPort(), o.trustDomain(),
        o.trustBundle(), o.trustBundleUrl(), o.insecureBootstrap(), o.dataDir(), o.socketPath(), o.logLevel(),
        o.expandEnv());
  }
}
