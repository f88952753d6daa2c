package dev.signet.server.policy;

import dev.signet.common.concurrent.GuardedBy;
import dev.signet.common.lifecycle.Lifecycle;
import dev.signet.common.process.FatalErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policies in force, loaded from a directory and reloaded when its files change (checked every
 * {@code interval}). A reload replaces the whole set at once; when any file is broken, the last good set
 * stays in force and {@link #lastError} says why.
 */
public final class PolicyStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyStore.class);

  private final Path dir;
  private final ScheduledExecutorService watcher;
  private final Lifecycle lifecycle = new Lifecycle("policy store");
  private volatile PolicyEngine engine = PolicyEngine.empty();
  private volatile String lastError = "";
  @GuardedBy("this")
  private List<String> fingerprint = List.of();

  private PolicyStore(Path dir, long intervalMillis) {
    this.dir = dir;
    if (dir == null) {
      this.watcher = null;
      return;
    }
    this.watcher = lifecycle.pushExecutor("policy watcher", Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "signet-policy-watcher");
      thread.setDaemon(true);
      return thread;
    }));
    reloadIfChanged();
    watcher.scheduleWithFixedDelay(FatalErrors.PROCESS.guard("policy reload", this::reloadIfChanged), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** No policies at all: every evaluation is denied by default. */
  public static PolicyStore none() {
    return new PolicyStore(null, 0);
  }

  /** Loads {@code dir} now and watches it. */
  public static PolicyStore watch(Path dir, long intervalMillis) {
    return new PolicyStore(dir, intervalMillis);
  }

  public PolicyEngine engine() {
    return engine;
  }

  /** Why the newest files are not in force; empty when they are. */
  public String lastError() {
    return lastError;
  }

  synchronized void reloadIfChanged() {
    List<String> current = fingerprint();
    if (current.equals(fingerprint)) {
      return;
    }
    fingerprint = current;
    try {
      List<PolicyRule> rules = PolicyFiles.load(dir);
      engine = new PolicyEngine(rules);
      lastError = "";
      LOG.info("policies loaded from {}: {} rules", dir, rules.size());
    } catch (PolicyException e) {
      lastError = e.getMessage();
      LOG.error("policies in {} not reloaded, the previous {} rules stay in force: {}", dir, engine.size(),
          e.getMessage());
    }
  }

  private List<String> fingerprint() {
    List<String> parts = new ArrayList<>();
    try {
      for (Path file : PolicyFiles.list(dir)) {
        parts.add(file + ":" + Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file));
      }
    } catch (PolicyException | IOException e) {
      parts.add("unreadable:" + e.getMessage());
    }
    return parts;
  }

  @Override
  public void close() {
    if (watcher != null) {
      lifecycle.close();
    }
  }
}
