package dev.signet.agent.helper;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process the helper runs ({@code cmd} + {@code cmd_args}), with the helper's standard streams. In daemon
 * mode it is restarted when it dies, after a pause that doubles from {@code firstRestart} up to
 * {@code maxRestart} while it keeps dying young (a process that ran longer than {@code maxRestart} restarts after
 * {@code firstRestart} again); each exit is logged with its code and reported to the exit listener.
 * {@link #signal} sends the renew signal to the running process.
 */
final class ManagedProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedProcess.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private final List<String> command;
  private final Duration firstRestart;
  private final Duration maxRestart;
  private final IntConsumer exitListener;
  private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "signet-helper-process");
    thread.setDaemon(true);
    return thread;
  });
  private Process process;
  private Instant startedAt;
  private Duration nextRestart;
  private int starts;
  private boolean closed;

  ManagedProcess(List<String> command, Duration firstRestart, Duration maxRestart, IntConsumer exitListener) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("no command to run");
    }
    this.command = List.copyOf(command);
    this.firstRestart = firstRestart;
    this.maxRestart = maxRestart;
    this.exitListener = exitListener;
    this.nextRestart = firstRestart;
  }

  /** Starts the process once, without restarting it when it exits (one-shot mode). */
  static Process runOnce(List<String> command) throws IOException {
    return new ProcessBuilder(command).inheritIO().start();
  }

  /** Starts the process; it is restarted whenever it exits, until {@link #close}. */
  synchronized void start() throws IOException {
    if (closed) {
      return;
    }
    Process started = new ProcessBuilder(command).inheritIO().start();
    process = started;
    startedAt = Instant.now();
    starts++;
    LOG.info("started {} (pid {})", command.getFirst(), started.pid());
    started.onExit().thenAccept(this::exited);
  }

  /** The running process's PID, if it runs. */
  synchronized OptionalLong pid() {
    return process != null && process.isAlive() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
  }

  /** How many times the process was started. */
  synchronized int starts() {
    return starts;
  }

  /** Sends {@code signal} to the running process; false when none runs (it will read the new files on start). */
  boolean signal(RenewSignal signal) throws IOException {
    OptionalLong pid = pid();
    if (pid.isEmpty()) {
      return false;
    }
    ProcessSignals.send(pid.getAsLong(), signal);
    return true;
  }

  private void exited(Process ended) {
    int code = ended.exitValue();
    Duration pause;
    synchronized (this) {
      if (closed || ended != process) {
        return;
      }
      boolean ranLong = Duration.between(startedAt, Instant.now()).compareTo(maxRestart) > 0;
      pause = ranLong ? firstRestart : nextRestart;
      Duration doubled = pause.multipliedBy(2);
      nextRestart = doubled.compareTo(maxRestart) > 0 ? maxRestart : doubled;
    }
    LOG.warn("{} (pid {}) exited with code {}; restarting in {} ms", command.getFirst(), ended.pid(), code,
        pause.toMillis());
    exitListener.accept(code);
    restarts.schedule(this::restart, pause.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void restart() {
    try {
      start();
    } catch (IOException e) {
      LOG.error("cannot restart {}: {}", command.getFirst(), e.getMessage());
      synchronized (this) {
        if (closed) {
          return;
        }
        process = null;
      }
      restarts.schedule(this::restart, nextRestart.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and stops restarting it. */
  @Override
  public void close() {
    Process running;
    synchronized (this) {
      closed = true;
      running = process;
    }
    restarts.shutdownNow();
    if (running != null && running.isAlive()) {
      running.destroy();
      CompletableFuture<Process> exit = running.onExit();
      try {
        exit.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
        running.destroyForcibly();
      } catch (InterruptedException e) {
        running.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
