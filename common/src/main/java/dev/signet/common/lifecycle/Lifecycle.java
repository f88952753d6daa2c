package dev.signet.common.lifecycle;

import dev.signet.common.concurrent.GuardedBy;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resources of a running component, closed in the reverse of the order they came up: start-up
 * {@linkplain #push pushes} each resource as soon as it exists, and {@link #close} pops them, so that
 * whatever uses a resource (a scheduler whose tasks write to the datastore, a listener whose calls use the
 * CA) is stopped, and awaited, before that resource closes.
 *
 * <p>Executors, gRPC servers and channels and Netty event loops are awaited: each is shut down, given
 * {@code deadline} to finish what it runs, then interrupted (shutdownNow) and given {@code deadline}
 * again; one still running after that is reported, never waited for forever. As grpc-java asks, whoever
 * supplies an executor shuts it down: a component pushes the executors it made, not those it was given.
 *
 * <p>A resource that fails to close does not keep the later ones open: every failure is logged, the
 * remaining resources are closed, and then one {@link LifecycleException} carrying every failure as a
 * suppressed exception is thrown. An interrupt received while awaiting is kept (the thread's interrupt
 * flag is set again at the end) without cutting the rest of the shutdown short. Closing twice is a no-op.
 * Models: SPIRE's {@code defer} chains and {@code util.RunTasks}.
 */
public final class Lifecycle implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lifecycle.class);
  /** How long each resource may take to stop before it is interrupted, and again after. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  /** Stops one resource, waiting at most {@code deadline} (per phase) for it. */
  @FunctionalInterface
  public interface Stop {
    void stop(Duration deadline) throws Exception;
  }

  /** Told the name of each resource as its closing begins (debug logs, tests that act mid-shutdown). */
  @FunctionalInterface
  public interface Listener {
    void closing(String name);
  }

  private record Step(String name, Stop stop) {}

  private final String owner;
  private final Duration deadline;
  private final Listener listener;
  @GuardedBy("this")
  private final Deque<Step> steps = new ArrayDeque<>();
  @GuardedBy("this")
  private boolean closed;

  /** A lifecycle of {@code owner} (named in reports) with the {@link #DEFAULT_DEADLINE}. */
  public Lifecycle(String owner) {
    this(owner, DEFAULT_DEADLINE, name -> {});
  }

  public Lifecycle(String owner, Duration deadline, Listener listener) {
    this.owner = Objects.requireNonNull(owner, "owner");
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.listener = Objects.requireNonNull(listener, "listener");
    if (deadline.isNegative()) {
      throw new IllegalArgumentException("lifecycle deadline is negative: " + deadline);
    }
  }

  /** Closes {@code resource} at {@link #close}, before everything pushed earlier. */
  public <T extends AutoCloseable> T push(String name, T resource) {
    Objects.requireNonNull(resource, name);
    add(name, ignored -> resource.close());
    return resource;
  }

  /** Runs {@code stop} at {@link #close}, before everything pushed earlier. */
  public void pushStep(String name, Stop stop) {
    add(name, Objects.requireNonNull(stop, name));
  }

  /** Shuts {@code executor} down at {@link #close} and awaits its tasks (see the class comment). */
  public <T extends ExecutorService> T pushExecutor(String name, T executor) {
    Objects.requireNonNull(executor, name);
    add(name, d -> awaitExecutor(executor, d));
    return executor;
  }

  /**
   * Stops {@code server} at {@link #close}: no new calls, calls in progress get {@code grace} to finish
   * (zero cancels them at once), then the transport is awaited.
   */
  public Server pushServer(String name, Server server, Duration grace) {
    Objects.requireNonNull(server, name);
    add(name, d -> {
      server.shutdown();
      if (!server.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) {
        server.shutdownNow();
        if (!server.awaitTermination(d.toNanos(), TimeUnit.NANOSECONDS)) {
          throw new TimeoutException("grpc server still running " + d + " after its calls were cancelled");
        }
      }
    });
    return server;
  }

  /** Closes {@code channel} at {@link #close}, cancelling its calls, and awaits it. */
  public <T extends ManagedChannel> T pushChannel(String name, T channel) {
    Objects.requireNonNull(channel, name);
    add(name, d -> {
      if (!channel.shutdownNow().awaitTermination(d.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new TimeoutException("grpc channel still open " + d + " after its calls were cancelled");
      }
    });
    return channel;
  }

  /** Shuts the Netty {@code group} down at {@link #close} (no quiet period) and awaits its threads. */
  public <T extends EventLoopGroup> T pushEventLoops(String name, T group) {
    Objects.requireNonNull(group, name);
    add(name, d -> {
      if (!group.shutdownGracefully(0, d.toMillis(), TimeUnit.MILLISECONDS).await(d.toMillis() * 2)) {
        throw new TimeoutException("event loops still running " + d.multipliedBy(2) + " after shutdown");
      }
    });
    return group;
  }

  private void add(String name, Stop stop) {
    Objects.requireNonNull(name, "name");
    synchronized (this) {
      if (!closed) {
        steps.push(new Step(name, stop));
        return;
      }
    }
    // Start-up raced with close: the resource is closed at once rather than leaked.
    LifecycleException failure = runAll(List.of(new Step(name, stop)));
    IllegalStateException refused = new IllegalStateException(owner + " is closed; " + name + " closed at once");
    if (failure != null) {
      refused.addSuppressed(failure);
    }
    throw refused;
  }

  /**
   * Closes every pushed resource, last pushed first, awaiting executors and servers; throws one
   * {@link LifecycleException} after all of them were tried if any failed.
   */
  @Override
  public void close() {
    List<Step> order;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      order = new ArrayList<>(steps); // a stack iterates last pushed first
      steps.clear();
    }
    LifecycleException failure = runAll(order);
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Start-up failed with {@code failure}: closes everything pushed so far, adding any closing failure to
   * {@code failure} as suppressed; the caller then rethrows {@code failure}.
   */
  public void closeAfter(Exception failure) {
    try {
      close();
    } catch (LifecycleException closing) {
      failure.addSuppressed(closing);
    }
  }

  private LifecycleException runAll(List<Step> order) {
    List<String> failed = new ArrayList<>();
    List<Exception> causes = new ArrayList<>();
    boolean interrupted = false;
    for (Step step : order) {
      listener.closing(step.name());
      LOG.debug("{}: closing {}", owner, step.name());
      try {
        step.stop().stop(deadline);
      } catch (InterruptedException e) {
        interrupted = true; // keep closing: the flag is set again below
        LOG.warn("{}: interrupted while closing {}", owner, step.name());
        failed.add(step.name());
        causes.add(e);
      } catch (Exception e) {
        LOG.warn("{}: {} did not close cleanly: {}", owner, step.name(), e.toString());
        failed.add(step.name());
        causes.add(e);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (causes.isEmpty()) {
      return null;
    }
    LifecycleException failure = new LifecycleException(owner + ": " + failed.size()
        + (failed.size() == 1 ? " resource" : " resources") + " did not close cleanly: " + String.join(", ", failed));
    causes.forEach(failure::addSuppressed);
    return failure;
  }

  private static void awaitExecutor(ExecutorService executor, Duration deadline)
      throws InterruptedException, TimeoutException {
    executor.shutdown();
    try {
      if (executor.awaitTermination(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      throw e;
    }
    executor.shutdownNow();
    if (!executor.awaitTermination(deadline.toNanos(), TimeUnit.NANOSECONDS)) {
      throw new TimeoutException("tasks still running " + deadline + " after shutdown and again after interruption");
    }
  }
}
