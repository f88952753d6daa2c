package dev.signet.agent.helper;

import java.util.Locale;
import java.util.Set;

/**
 * The signal that tells the managed process to reload its files ({@code renew_signal = "SIGHUP"}), by its POSIX
 * name. The JDK can only send SIGTERM and SIGKILL to another process, so the signal is sent with the system's
 * {@code kill -s NAME PID}; the name is checked here against the signals {@code kill} knows everywhere.
 */
public record RenewSignal(String name) {
  private static final Set<String> KNOWN = Set.of("SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTERM",
      "SIGKILL", "SIGALRM", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGWINCH", "SIGPWR", "SIGTTIN", "SIGTTOU");

  public RenewSignal {
    if (name == null || !KNOWN.contains(name)) {
      throw new IllegalArgumentException("renew_signal \"" + name + "\" is not a signal name such as \"SIGHUP\" or "
          + "\"SIGUSR1\"" + (name != null && KNOWN.contains("SIG" + name.toUpperCase(Locale.ROOT))
          ? " (write \"SIG" + name.toUpperCase(Locale.ROOT) + "\")" : ""));
    }
  }

  /** The name {@code kill -s} takes: without the {@code SIG} prefix. */
  String killName() {
    return name.substring(3);
  }
}
