package dev.signet.server.trust;

import dev.signet.common.spiffe.SpiffeId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The behavioural half of trust: per identity, the policy decisions it caused and the anomalies among them.
 * After a learning period of {@value #LEARNING} decisions, a resource the identity never used before and an
 * hour of the day (UTC) it was never active in count as anomalies; more than {@value #BURST_LIMIT}
 * decisions within {@link #BURST_WINDOW} is a burst. Denials and anomalies weigh for an hour.
 */
public final class ActivityTracker {
  static final int LEARNING = 20;
  static final int BURST_LIMIT = 100;
  static final Duration BURST_WINDOW = Duration.ofSeconds(10);
  static final Duration MEMORY = Duration.ofHours(1);
  static final int MAX_IDENTITIES = 20_000;
  private static final int MAX_RESOURCES = 256;
  private static final int MAX_EVENTS = 100;

  /** Kinds of anomaly, with their factor name, impact each and cap. */
  enum Anomaly {
    NEW_RESOURCE("anomaly_new_resource", -5, -15),
    UNUSUAL_TIME("anomaly_unusual_time", -5, -10),
    BURST("anomaly_burst", -10, -20);

    final String factor;
    final int each;
    final int cap;

    Anomaly(String factor, int each, int cap) {
      this.factor = factor;
      this.each = each;
      this.cap = cap;
    }
  }

  private record Event(Instant at, Anomaly anomaly) {}

  private static final class Activity {
    long decisions;
    volatile Instant lastActive = Instant.MIN;
    /** 64-bit digests of the resources used, not the names: memory per identity stays small. */
    final Set<Long> resources = new HashSet<>();
    final int[] hours = new int[24];
    final ArrayDeque<Instant> recent = new ArrayDeque<>();
    final ArrayDeque<Instant> denials = new ArrayDeque<>();
    final ArrayDeque<Event> anomalies = new ArrayDeque<>();
    Instant lastBurst = Instant.MIN;
  }

  private final Map<SpiffeId, Activity> activities = new ConcurrentHashMap<>();
  private final Clock clock;

  public ActivityTracker(Clock clock) {
    this.clock = clock;
  }

  /** Records one decision about {@code identity}; returns the anomalies it showed (empty when none). */
  public List<String> record(SpiffeId identity, String resource, boolean allowed) {
    Instant now = clock.instant();
    Activity activity = activities.get(identity);
    if (activity == null) {
      if (activities.size() >= MAX_IDENTITIES) {
        evictLeastRecentlyActive(now);
      }
      activity = activities.computeIfAbsent(identity, id -> new Activity());
    }
    long resourceKey = digest(resource);
    List<String> found = new ArrayList<>();
    synchronized (activity) {
      int hour = now.atZone(ZoneOffset.UTC).getHour();
      if (activity.decisions >= LEARNING) {
        if (!activity.resources.contains(resourceKey) && activity.resources.size() < MAX_RESOURCES) {
          note(activity, now, Anomaly.NEW_RESOURCE);
          found.add("first use of resource \"" + resource + "\"");
        }
        if (activity.hours[hour] == 0) {
          note(activity, now, Anomaly.UNUSUAL_TIME);
          found.add("first activity in the hour " + hour + ":00 UTC");
        }
      }
      activity.decisions++;
      activity.hours[hour]++;
      if (activity.resources.size() < MAX_RESOURCES) {
        activity.resources.add(resourceKey);
      }
      activity.lastActive = now;
      activity.recent.addLast(now);
      while (!activity.recent.isEmpty() && activity.recent.peekFirst().isBefore(now.minus(BURST_WINDOW))) {
        activity.recent.removeFirst();
      }
      if (activity.recent.size() > BURST_LIMIT) {
        activity.recent.removeFirst();
        if (activity.lastBurst.isBefore(now.minus(BURST_WINDOW))) {
          activity.lastBurst = now;
          note(activity, now, Anomaly.BURST);
          found.add("more than " + BURST_LIMIT + " decisions within " + BURST_WINDOW.toSeconds() + " s");
        }
      }
      if (!allowed) {
        bounded(activity.denials, now);
      }
    }
    return found;
  }

  /** The behavioural factors of {@code identity} now (none for an identity never seen). */
  public List<TrustFactor> factors(SpiffeId identity) {
    Activity activity = activities.get(identity);
    if (activity == null) {
      return List.of();
    }
    Instant since = clock.instant().minus(MEMORY);
    List<TrustFactor> factors = new ArrayList<>();
    synchronized (activity) {
      activity.denials.removeIf(at -> at.isBefore(since));
      activity.anomalies.removeIf(e -> e.at().isBefore(since));
      int denials = activity.denials.size();
      if (denials > 0) {
        factors.add(new TrustFactor("policy_denials", Math.max(-30, -5 * denials),
            denials + " policy denial(s) in the last hour"));
      }
      for (Anomaly kind : Anomaly.values()) {
        long count = activity.anomalies.stream().filter(e -> e.anomaly() == kind).count();
        if (count > 0) {
          factors.add(new TrustFactor(kind.factor, (int) Math.max(kind.cap, kind.each * count),
              count + " anomaly(ies) of this kind in the last hour"));
        }
      }
    }
    return factors;
  }

  /** Full: drop identities idle for longer than the memory window, or else the least recently active one. */
  private void evictLeastRecentlyActive(Instant now) {
    Instant idle = now.minus(MEMORY);
    activities.entrySet().removeIf(e -> e.getValue().lastActive.isBefore(idle));
    if (activities.size() >= MAX_IDENTITIES) {
      activities.entrySet().stream().min(java.util.Comparator.comparing(e -> e.getValue().lastActive))
          .ifPresent(oldest -> activities.remove(oldest.getKey()));
    }
  }

  /** FNV-1a, 64 bits: a compact key for "seen this resource before" (a collision only hides an anomaly). */
  private static long digest(String resource) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < resource.length(); i++) {
      hash ^= resource.charAt(i);
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  private static void note(Activity activity, Instant now, Anomaly anomaly) {
    if (activity.anomalies.size() >= MAX_EVENTS) {
      activity.anomalies.removeFirst();
    }
    activity.anomalies.addLast(new Event(now, anomaly));
  }

  private static void bounded(ArrayDeque<Instant> events, Instant now) {
    if (events.size() >= MAX_EVENTS) {
      events.removeFirst();
    }
    events.addLast(now);
  }
}
