package dev.signet.server.cli;

import dev.signet.common.process.FatalErrors;
import dev.signet.common.process.TerminationSignals;
import dev.signet.logging.DaemonLogging;
import dev.signet.server.oidc.KeySource;
import dev.signet.server.oidc.OidcConfig;
import dev.signet.server.oidc.OidcConfigLoader;
import dev.signet.server.oidc.OidcDiscoveryServer;
import dev.signet.server.oidc.ServerApiKeySource;
import dev.signet.server.oidc.WorkloadApiKeySource;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code oidc-discovery -config FILE}: SPIRE's {@code oidc-discovery-provider} as a verb of the server launcher.
 * Serves the OIDC discovery document and the JWKS of the trust domain's JWT authorities, fetched from the
 * server's admin socket or an agent's Workload API, until SIGTERM or SIGINT.
 */
@Command(name = "oidc-discovery",
    description = "Serve the OIDC discovery document and JWKS of the trust domain's JWT authorities "
        + "(SPIRE's oidc-discovery-provider; config keys as its oidc-discovery-provider.conf)")
public final class OidcDiscoveryCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(OidcDiscoveryCommand.class);
  private static final Duration WORKLOAD_API_TIMEOUT = Duration.ofSeconds(30);

  @Option(names = {"-config", "--config"}, paramLabel = "FILE", defaultValue = "oidc-discovery-provider.conf",
      description = "Path to the provider's HCL configuration file (default: ${DEFAULT-VALUE})")
  Path config;

  @Override
  public Integer call() throws InterruptedException {
    OidcConfig loaded;
    try {
      loaded = OidcConfigLoader.load(config);
      DaemonLogging.apply(loaded.logLevel(), loaded.logOutput());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    FatalErrors.PROCESS.installAsDefault();
    OidcDiscoveryServer server;
    try {
      server = OidcDiscoveryServer.start(loaded, keySource(loaded.keySource()), Clock.systemUTC());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      System.err.println("Error: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    TerminationSignals.onTerminate(() -> {
      LOG.info("stopping");
      try {
        server.close();
      } finally {
        stopped.countDown();
      }
    });
    stopped.await();
    return 0;
  }

  private static KeySource keySource(OidcConfig.KeySourceSettings settings) {
    return switch (settings) {
      case OidcConfig.ServerApi api -> new ServerApiKeySource(api.socket());
      case OidcConfig.WorkloadApi api -> new WorkloadApiKeySource(api.socket(), api.trustDomain(), WORKLOAD_API_TIMEOUT);
    };
  }
}
