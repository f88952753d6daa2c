package dev.signet.common.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd about the daemon's state, as {@code sd_notify(3)} does, for units of {@code Type=notify}:
 * {@code READY=1} once the daemon serves (the server after its listeners are up, the agent once its
 * Workload API socket serves), {@code STOPPING=1} when its shutdown begins. The messages go as one
 * datagram each to {@code $NOTIFY_SOCKET}; without that variable (not started by systemd, or another
 * {@code Type=}) every call does nothing.
 *
 * <p>The message is sent from the daemon's own process, the unit's main PID, so the unit needs no
 * {@code NotifyAccess=all}. A message that cannot be sent is logged as a warning and not retried: the
 * daemon still works, and systemd reports the missing readiness by failing the start after
 * {@code TimeoutStartSec=}, which is the signal an operator should see.
 */
public final class SystemdNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(SystemdNotifier.class);
  /** The environment variable systemd sets for services of {@code Type=notify}. */
  public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

  /** Sends one datagram; the real one is {@link UnixDatagramSender}. */
  @FunctionalInterface
  interface Transport {
    void send(NotifySocket target, byte[] message) throws IOException;
  }

  private final NotifySocket target;
  private final Transport transport;

  SystemdNotifier(NotifySocket target, Transport transport) {
    this.target = target;
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  /** The notifier of this process: to {@code $NOTIFY_SOCKET}, or one that does nothing when it is unset. */
  public static SystemdNotifier fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * The notifier for {@code environment}. An unset or empty {@code NOTIFY_SOCKET} gives a notifier that
   * does nothing; a malformed one is refused (IllegalArgumentException quoting it) rather than ignored.
   */
  public static SystemdNotifier fromEnvironment(Map<String, String> environment) {
    String value = environment.get(NOTIFY_SOCKET);
    if (value == null || value.isEmpty()) {
      return new SystemdNotifier(null, UnixDatagramSender::send);
    }
    return new SystemdNotifier(NotifySocket.parse(value), UnixDatagramSender::send);
  }

  /** True when messages go somewhere (systemd set {@code NOTIFY_SOCKET}). */
  public boolean enabled() {
    return target != null;
  }

  /** {@code READY=1}: start-up is complete and the daemon serves. */
  public void ready() {
    send("READY=1");
  }

  /** {@code STOPPING=1}: the daemon begins its shutdown. */
  public void stopping() {
    send("STOPPING=1");
  }

  /** Sends {@code message} (newline-separated {@code KEY=value} assignments) when enabled. */
  void send(String message) {
    if (target == null) {
      return;
    }
    try {
      transport.send(target, message.getBytes(StandardCharsets.UTF_8));
      LOG.debug("told systemd {} through {}", message, target);
    } catch (IOException e) {
      LOG.warn("cannot tell systemd {} through NOTIFY_SOCKET {}: {}", message, target, e.getMessage());
    }
  }
}
