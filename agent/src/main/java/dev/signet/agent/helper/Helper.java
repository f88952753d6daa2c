package dev.signet.agent.helper;

import dev.signet.agent.health.HealthHttpServer;
import dev.signet.common.config.HealthChecks;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import dev.signet.proto.workload.JWTSVID;
import dev.signet.proto.workload.JWTSVIDRequest;
import dev.signet.proto.workload.X509SVIDRequest;
import dev.signet.proto.workload.X509SVIDResponse;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon side of {@code signet-agent helper}: follows the Workload API (X509-SVID stream, JWT bundle stream,
 * one JWT-SVID per {@code jwt_svids} entry fetched again at half its remaining lifetime), writes every file
 * atomically on each update, then starts {@code cmd} once every file exists and afterwards sends
 * {@code renew_signal} to it (and to the PID in {@code pid_file_name}) after every update. All file writes and
 * signals happen on one worker thread, so an update is written whole before the next one starts.
 */
public final class Helper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Helper.class);
  static final Duration JWT_FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration JWT_MAX_RETRY = Duration.ofSeconds(30);
  static final Duration MIN_JWT_REFRESH = Duration.ofSeconds(1);

  private final HelperConfig config;
  private final WorkloadApiClient client;
  private final Outputs outputs;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "signet-helper");
    thread.setDaemon(true);
    return thread;
  });
  private final List<StreamFollower<?>> followers = new ArrayList<>();
  private ManagedProcess process;
  private HealthHttpServer health;
  private volatile int processExits;

  public Helper(HelperConfig config, WorkloadApiClient client) {
    this.config = config;
    this.client = client;
    this.outputs = new Outputs(expectedFiles(config));
  }

  static int expectedFiles(HelperConfig config) {
    return (config.writesX509() ? 3 : 0) + config.jwtSvids().size() + (config.jwtBundleFileName() != null ? 1 : 0);
  }

  /** Starts following the Workload API (and the health listener when enabled); returns at once. */
  public void start() throws IOException {
    if (config.healthChecks().enabled()) {
      HelperHealthChecks checks = config.healthChecks();
      health = HealthHttpServer.start(new HealthChecks("0.0.0.0", checks.bindPort(), checks.livenessPath(),
          checks.readinessPath()), () -> new HealthHttpServer.Status(outputs.live(), outputs.ready(),
          outputs.ready() ? null : "not every file is written"));
    }
    if (config.writesX509()) {
      StreamFollower<X509SVIDResponse> x509 = new StreamFollower<>("x509-svid",
          observer -> client.watching().fetchX509SVID(X509SVIDRequest.getDefaultInstance(), observer),
          this::writeX509, worker);
      followers.add(x509);
      x509.start();
    }
    if (config.jwtBundleFileName() != null) {
      StreamFollower<JWTBundlesResponse> bundles = new StreamFollower<>("jwt bundle",
          observer -> client.watching().fetchJWTBundles(JWTBundlesRequest.getDefaultInstance(), observer),
          this::writeJwtBundles, worker);
      followers.add(bundles);
      bundles.start();
    }
    for (JwtSvidTarget target : config.jwtSvids()) {
      worker.execute(() -> refreshJwt(target, JWT_FIRST_RETRY));
    }
  }

  /**
   * One-shot mode ({@code daemon_mode = false}): fetches every configured SVID and bundle once (asking again
   * while the agent answers UNAVAILABLE or PERMISSION_DENIED, until {@code wait} has passed), writes the files,
   * signals the PID in {@code pid_file_name} if set, then runs {@code cmd} and returns its exit code (0 without
   * {@code cmd}).
   */
  public int runOnce(Duration wait) throws IOException, GeneralSecurityException, InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    if (config.writesX509()) {
      X509SVIDResponse response = OneShotCalls.retrying("x509-svid", deadline,
          () -> client.workload().fetchX509SVID(X509SVIDRequest.getDefaultInstance()).next());
      writeX509(X509FileSet.of(response, config.hint(), config.addIntermediatesToBundle(),
          config.includeFederatedDomains()));
    }
    if (config.jwtBundleFileName() != null) {
      JWTBundlesResponse bundles = OneShotCalls.retrying("jwt bundles", deadline,
          () -> client.workload().fetchJWTBundles(JWTBundlesRequest.getDefaultInstance()).next());
      outputs.write(config.file(config.jwtBundleFileName()), JwtFiles.bundleFile(bundles.getBundlesMap()),
          config.jwtBundleFileMode());
    }
    for (JwtSvidTarget target : config.jwtSvids()) {
      JWTSVID svid = JwtFiles.choose(OneShotCalls.retrying("jwt-svid", deadline, () -> fetchJwt(target)),
          config.hint());
      outputs.write(config.file(target.fileName()), svid.getSvid(), config.jwtSvidFileMode());
    }
    LOG.info("{} files written", expectedFiles(config));
    if (config.pidFile() != null) {
      signalPidFile();
    }
    if (config.cmd() == null) {
      return 0;
    }
    return ManagedProcess.runOnce(command()).waitFor();
  }

  private List<String> command() {
    List<String> command = new ArrayList<>();
    command.add(config.cmd());
    command.addAll(config.cmdArgs());
    return command;
  }

  /** Whether every configured file was written and the last write of each succeeded. */
  public boolean ready() {
    return outputs.ready();
  }

  /** The health listener's address, when enabled. */
  public java.net.InetSocketAddress healthAddress() {
    return health == null ? null : health.address();
  }

  /** How often the managed process exited (and was restarted). */
  public int processExits() {
    return processExits;
  }

  void writeX509(X509SVIDResponse response) {
    X509FileSet files;
    try {
      files = X509FileSet.of(response, config.hint(), config.addIntermediatesToBundle(),
          config.includeFederatedDomains());
    } catch (GeneralSecurityException e) {
      LOG.error("x509-svid update ignored, the files stay as they are: {}", e.getMessage());
      outputs.failed(config.file(config.svidFileName()));
      return;
    }
    try {
      writeX509(files);
    } catch (IOException e) {
      LOG.error("x509-svid files not (all) written: {}", e.getMessage());
      return;
    }
    LOG.info("x509-svid {} written (valid until {})", files.spiffeId(), files.notAfter());
    updated();
  }

  /** Bundle first (new CAs are trusted before new certificates are shown), then the key, then the certificates. */
  private void writeX509(X509FileSet files) throws IOException {
    outputs.write(config.file(config.svidBundleFileName()), files.bundle(), config.certFileMode());
    outputs.write(config.file(config.svidKeyFileName()), files.key(), config.keyFileMode());
    outputs.write(config.file(config.svidFileName()), files.certificates(), config.certFileMode());
  }

  private void writeJwtBundles(JWTBundlesResponse response) {
    try {
      outputs.write(config.file(config.jwtBundleFileName()), JwtFiles.bundleFile(response.getBundlesMap()),
          config.jwtBundleFileMode());
    } catch (IOException e) {
      LOG.error("jwt bundle file not written: {}", e.getMessage());
      return;
    }
    LOG.info("jwt bundles of {} written", response.getBundlesMap().keySet());
    updated();
  }

  private void refreshJwt(JwtSvidTarget target, Duration retry) {
    Instant expiry;
    try {
      JWTSVID svid = JwtFiles.choose(fetchJwt(target), config.hint());
      expiry = JwtFiles.expiry(svid.getSvid());
      outputs.write(config.file(target.fileName()), svid.getSvid(), config.jwtSvidFileMode());
      LOG.info("jwt-svid {} for {} written (expires {})", svid.getSpiffeId(), target.audiences(), expiry);
    } catch (StatusRuntimeException | IllegalArgumentException | IOException e) {
      outputs.failed(config.file(target.fileName()));
      Duration doubled = retry.multipliedBy(2);
      LOG.warn("jwt-svid for {} not written ({}); trying again in {} ms", target.audiences(), e.getMessage(),
          retry.toMillis());
      schedule(() -> refreshJwt(target, doubled.compareTo(JWT_MAX_RETRY) > 0 ? JWT_MAX_RETRY : doubled), retry);
      return;
    }
    updated();
    Duration half = Duration.between(Instant.now(), expiry).dividedBy(2);
    schedule(() -> refreshJwt(target, JWT_FIRST_RETRY), half.compareTo(MIN_JWT_REFRESH) < 0 ? MIN_JWT_REFRESH : half);
  }

  private List<JWTSVID> fetchJwt(JwtSvidTarget target) {
    return client.workload().fetchJWTSVID(JWTSVIDRequest.newBuilder().addAllAudience(target.audiences()).build())
        .getSvidsList();
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      worker.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  /** After a successful write: start {@code cmd} the first time every file exists, else signal. */
  private void updated() {
    if (!outputs.ready()) {
      return;
    }
    if (config.cmd() != null && process == null) {
      process = new ManagedProcess(command(), Duration.ofSeconds(1), Duration.ofSeconds(30), code -> processExits++);
      try {
        process.start();
      } catch (IOException e) {
        LOG.error("cannot start {}: {}", config.cmd(), e.getMessage());
        process = null;
      }
    } else if (process != null && config.renewSignal() != null) {
      try {
        if (process.signal(config.renewSignal())) {
          LOG.info("sent {} to {}", config.renewSignal().name(), config.cmd());
        }
      } catch (IOException e) {
        LOG.error("{}", e.getMessage());
      }
    }
    if (config.pidFile() != null) {
      signalPidFile();
    }
  }

  private void signalPidFile() {
    long pid;
    try {
      pid = ProcessSignals.readPid(config.pidFile());
    } catch (java.nio.file.NoSuchFileException e) {
      LOG.info("pid file {} does not exist yet: nothing to signal", config.pidFile());
      return;
    } catch (IOException e) {
      LOG.error("{}", e.getMessage());
      return;
    }
    try {
      ProcessSignals.send(pid, config.renewSignal());
      LOG.info("sent {} to pid {} (from {})", config.renewSignal().name(), pid, config.pidFile());
    } catch (IOException e) {
      LOG.error("{}", e.getMessage());
    }
  }

  @Override
  public void close() {
    followers.forEach(StreamFollower::close);
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (process != null) {
      process.close();
    }
    if (health != null) {
      health.close();
    }
  }
}
