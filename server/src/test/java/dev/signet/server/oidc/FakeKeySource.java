package dev.signet.server.oidc;

import dev.signet.common.bundle.JwtAuthority;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** A key source driven by the test: the authorities it returns, or the failure it throws. */
final class FakeKeySource implements KeySource {
  private final AtomicReference<List<JwtAuthority>> authorities = new AtomicReference<>(List.of());
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  volatile boolean closed;

  void publish(JwtAuthority... keys) {
    authorities.set(List.of(keys));
    failure.set(null);
  }

  void fail(RuntimeException e) {
    failure.set(e);
  }

  @Override
  public List<JwtAuthority> fetch() {
    RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
    return authorities.get();
  }

  @Override
  public String describe() {
    return "fake";
  }

  @Override
  public void close() {
    closed = true;
  }
}
