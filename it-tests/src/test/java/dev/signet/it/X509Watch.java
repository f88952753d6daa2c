package dev.signet.it;

import io.spiffe.exception.SocketEndpointAddressException;
import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.workloadapi.DefaultWorkloadApiClient;
import io.spiffe.workloadapi.Watcher;
import io.spiffe.workloadapi.WorkloadApiClient;
import io.spiffe.workloadapi.X509Context;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One long-lived java-spiffe {@code watchX509Context} stream that records every update with the time it
 * arrived, so tests can see what the workload stream delivered and when.
 */
public final class X509Watch implements AutoCloseable {
  /** One message of the stream. */
  public record Update(long nanos, X509Context context) {
    public List<String> spiffeIds() {
      return context.getX509Svids().stream().map(svid -> svid.getSpiffeId().toString()).toList();
    }
  }

  private final WorkloadApiClient client;
  private final List<Update> updates = new CopyOnWriteArrayList<>();
  private final List<Throwable> errors = new CopyOnWriteArrayList<>();

  public X509Watch(String address) {
    try {
      client = DefaultWorkloadApiClient.newClient(
          DefaultWorkloadApiClient.ClientOptions.builder().spiffeSocketPath(address).build());
    } catch (SocketEndpointAddressException e) {
      throw new IllegalArgumentException(address, e);
    }
    client.watchX509Context(new Watcher<>() {
      @Override
      public void onUpdate(X509Context context) {
        updates.add(new Update(System.nanoTime(), context));
      }

      @Override
      public void onError(Throwable error) {
        errors.add(error);
      }
    });
  }

  public List<Update> updates() {
    return List.copyOf(updates);
  }

  public List<Throwable> errors() {
    return List.copyOf(errors);
  }

  /** The latest SVID with this SPIFFE ID the stream delivered. */
  public Optional<X509Svid> latest(String spiffeId) {
    List<Update> all = updates();
    for (int i = all.size() - 1; i >= 0; i--) {
      for (X509Svid svid : all.get(i).context().getX509Svids()) {
        if (svid.getSpiffeId().toString().equals(spiffeId)) {
          return Optional.of(svid);
        }
      }
    }
    return Optional.empty();
  }

  /** Waits until an update carries {@code spiffeId}; returns the nanoTime of the first such update. */
  public long awaitSpiffeId(String spiffeId, Duration timeout) {
    return Poll.value("workload stream delivering " + spiffeId + " (updates so far: " + updates.size()
        + ", errors: " + errors + ")", timeout,
        () -> updates().stream().filter(u -> u.spiffeIds().contains(spiffeId)).findFirst().map(Update::nanos));
  }

  @Override
  public void close() {
    try {
      client.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
