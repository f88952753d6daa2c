package dev.signet.common.grpc;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether an event from one source (a peer address, a uid) may be logged now: at most one line per
 * source per interval; the events suppressed meanwhile are counted and reported with the source's next line.
 *
 * <p>Security: events that an unauthenticated caller can trigger at will (a malformed request on the
 * agent's socket or the server's TCP port) must not let it fill the disk or drown other log lines. The
 * table of sources is bounded by {@link #MAX_SOURCES}: sources whose interval has passed are dropped when it
 * is full (at most once per interval), and when every slot is still in its interval (one attacker with many
 * IPv6 addresses) further new sources share one slot named {@link #OTHER_SOURCES}, so memory stays bounded
 * and something is still logged.
 */
public final class PerSourceLogThrottle {
  /** Most sources remembered at once. */
  static final int MAX_SOURCES = 4096;
  /** The slot shared by new sources while the table is full of sources still in their interval. */
  public static final String OTHER_SOURCES = "other sources";

  /**
   * The answer for one event.
   *
   * @param log whether to write a line now
   * @param suppressed how many events of this source were not logged since its last line (0 when none)
   * @param source the source the line should name (the source itself, or {@link #OTHER_SOURCES})
   */
  public record Decision(boolean log, long suppressed, String source) {}

  private record Window(Instant start, long suppressed) {}

  private final Duration interval;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();
  private volatile Instant lastSweep;

  public PerSourceLogThrottle(Duration interval, Clock clock) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("log interval " + interval + " is not positive");
    }
    this.interval = interval;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Records one event of {@code source} and says whether to log it. */
  public Decision event(String source) {
    Objects.requireNonNull(source, "source");
    Instant now = clock.instant();
    String slot = slotFor(source, now);
    long[] suppressed = {0};
    boolean[] log = {false};
    windows.compute(slot, (key, window) -> {
      if (window == null || !now.isBefore(window.start().plus(interval))) {
        log[0] = true;
        suppressed[0] = window == null ? 0 : window.suppressed();
        return new Window(now, 0);
      }
      return new Window(window.start(), window.suppressed() + 1);
    });
    return new Decision(log[0], suppressed[0], slot);
  }

  /** Sources remembered now (for tests). */
  int remembered() {
    return windows.size();
  }

  private String slotFor(String source, Instant now) {
    if (windows.containsKey(source) || windows.size() < MAX_SOURCES) {
      return source;
    }
    // Sweep at most once per interval, so a flood of new sources does not make every event scan the table.
    // A swept source loses its count of suppressed events: it has been quiet for a whole interval.
    Instant last = lastSweep;
    if (last == null || !now.isBefore(last.plus(interval))) {
      lastSweep = now;
      windows.entrySet().removeIf(e -> !now.isBefore(e.getValue().start().plus(interval)));
    }
    return windows.size() < MAX_SOURCES ? source : OTHER_SOURCES;
  }
}
