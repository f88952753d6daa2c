package dev.signet.agent.helper;

import dev.signet.common.SignetVersion;
import dev.signet.common.config.ConfigException;
import dev.signet.common.process.TerminationSignals;
import dev.signet.common.workload.WorkloadApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code signet-agent helper -config helper.conf [-daemon-mode[=true|false]] [-version]}: a drop-in for
 * spiffe-helper. In daemon mode it keeps the configured SVID files fresh until SIGTERM or SIGINT (then it stops
 * the managed process and exits 0); in one-shot mode it writes them once, runs {@code cmd} and exits with its
 * exit code. A configuration error exits 1 before anything is written.
 */
@Command(name = "helper", description = "Keeps X509-SVIDs, JWT-SVIDs and bundles as files for programs that read "
    + "files (spiffe-helper's helper.conf), signalling or restarting the program that uses them")
public final class HelperCommand implements Callable<Integer> {
  /** How long one-shot mode waits for the agent to issue everything asked for. */
  static final Duration ONE_SHOT_WAIT = Duration.ofSeconds(60);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  @Spec CommandSpec spec;

  @Option(names = {"-config", "--config"}, paramLabel = "FILE", defaultValue = "helper.conf",
      description = "Path to the helper configuration (default ${DEFAULT-VALUE})")
  Path config;

  @Option(names = {"-daemon-mode", "--daemon-mode"}, arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
      description = "Keep running and renewing (true) or write the files once (false); overrides daemon_mode")
  Boolean daemonMode;

  @Option(names = {"-version", "--version"}, description = "Print the version and exit")
  boolean version;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (version) {
      out.println(SignetVersion.get());
      out.flush();
      return 0;
    }
    HelperConfig checked;
    try {
      checked = HelperConfigParser.load(config, daemonMode, System.getenv());
    } catch (ConfigException e) {
      err.println("Error: " + e.getMessage());
      err.flush();
      return 1;
    }
    try (WorkloadApiClient client = new WorkloadApiClient(checked.agentAddress(), CALL_TIMEOUT);
        Helper helper = new Helper(checked, client)) {
      if (!checked.daemonMode()) {
        return helper.runOnce(ONE_SHOT_WAIT);
      }
      CountDownLatch stop = new CountDownLatch(1);
      TerminationSignals.onTerminate(stop::countDown);
      helper.start();
      stop.await();
      return 0;
    } catch (IOException | java.security.GeneralSecurityException e) {
      err.println("Error: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}
