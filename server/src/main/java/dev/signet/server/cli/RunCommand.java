package dev.signet.server.cli;

import dev.signet.common.crypto.CryptoProviderException;
import dev.signet.common.files.InsecurePermissionsException;
import dev.signet.common.files.ProcessUmask;
import dev.signet.common.process.FatalErrors;
import dev.signet.common.lifecycle.SystemdNotifier;
import dev.signet.common.process.TerminationSignals;
import dev.signet.server.SignetServer;
import dev.signet.logging.DaemonLogging;
import dev.signet.server.config.ServerConfigLoader;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code run}: starts the server and keeps it running until SIGTERM/SIGINT, then stops it cleanly. The
 * logging is set up first, from {@code log_level}, {@code log_format} and {@code log_file}
 * ({@link DaemonLogging}), then the umask is raised to at least 0027 ({@link ProcessUmask}); a data_dir open to
 * group or others, or a log file that cannot be opened, is refused with one line on stderr and exit code 1.
 * Under systemd ({@code Type=notify}) it reports READY=1 once its listeners are up and STOPPING=1 when it
 * begins to stop ({@link SystemdNotifier}).
 */
@Command(name = RunCommand.NAME, description = "Start the server")
public final class RunCommand implements Callable<Integer> {
  /** The verb. */
  static final String NAME = "run";
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Mixin
  ConfigOptions options;

  @Override
  public Integer call() throws Exception {
    ServerConfigLoader.Loaded loaded;
    SystemdNotifier systemd;
    try {
      loaded = options.load();
      systemd = SystemdNotifier.fromEnvironment(); // a malformed NOTIFY_SOCKET is refused before anything starts
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    try {
      DaemonLogging.apply(loaded.config().logLevel(), loaded.config().logOutput()); // a log file it creates is 0600 whatever the umask
    } catch (IllegalArgumentException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    ProcessUmask.restrict(); // its line goes to the configured log
    loaded.warnings().forEach(w -> LOG.warn("{}", w));
    FatalErrors.PROCESS.installAsDefault(); // a thread dying of an Error ends the daemon (see FatalErrors)
    SignetServer server;
    try {
      server = SignetServer.start(loaded.config(), Clock.systemUTC());
    } catch (InsecurePermissionsException | CryptoProviderException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    TerminationSignals.onTerminate(() -> {
      LOG.info("stopping");
      systemd.stopping();
      try {
        server.close(); // a resource that fails to close is logged, and the rest still closed (Lifecycle)
      } finally {
        stopped.countDown();
      }
    });
    systemd.ready(); // listeners are up: a Type=notify unit counts as started from here
    stopped.await();
    return 0;
  }
}
