package dev.signet.gateway.x509;

import dev.signet.common.workload.X509Context;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context a route uses for its next handshake, rebuilt from every {@link X509Context} update and
 * swapped atomically. Connections already open keep the context they were made with, so a rotation drops
 * none of them. A context that cannot be built leaves the previous one in force.
 */
public final class RotatingSslContext implements Supplier<SslContext>, Consumer<X509Context> {
  private static final Logger LOG = LoggerFactory.getLogger(RotatingSslContext.class);

  /** How one route turns a snapshot into a TLS context. */
  @FunctionalInterface
  public interface Factory {
    SslContext build(X509Context context) throws SSLException;
  }

  private final String route;
  private final Factory factory;
  private final AtomicReference<SslContext> current = new AtomicReference<>();

  public RotatingSslContext(String route, Factory factory) {
    this.route = route;
    this.factory = factory;
  }

  @Override
  public void accept(X509Context context) {
    try {
      current.set(factory.build(context));
    } catch (SSLException | RuntimeException e) {
      LOG.error("route {}: tls context not rebuilt for {}, the previous one stays in force: {}", route, context.id(),
          e.getMessage());
    }
  }

  /** Drops the context: no new handshake until the next update (the SVID was withdrawn); open connections stay. */
  public void withdraw() {
    if (current.getAndSet(null) != null) {
      LOG.warn("route {}: x509-svid withdrawn, new connections are refused until one is issued again", route);
    }
  }

  /** The context for the next handshake; throws while there is no X509-SVID (before the first, or withdrawn). */
  @Override
  public SslContext get() {
    SslContext context = current.get();
    if (context == null) {
      throw new IllegalStateException("route " + route + " has no x509-svid");
    }
    return context;
  }
}
