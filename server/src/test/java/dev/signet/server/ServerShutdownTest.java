package dev.signet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.testing.Threads;
import dev.signet.common.time.ManualClock;
import dev.signet.datastore.DataStore;
import dev.signet.datastore.RegistrationEntry;
import dev.signet.server.config.ServerConfig;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the server while its background work is in the middle of something: the work finishes before
 * the datastore it uses closes, and no thread or socket of the server outlives {@link SignetServer#close}.
 * The datastore is wrapped so that any use after its close is recorded, and so that one call of the
 * background thread waits, uninterruptibly, until the shutdown has begun.
 */
class ServerShutdownTest {
  /** Threads the server and what it owns start: its loops, Netty event loops, the H2 store, the pool. */
  private static final List<String> OWN_THREADS = List.of("signet-", "multiThreadIoEventLoopGroup", "MVStore",
      "HikariPool", "H2 ");

  @TempDir Path temp;
  private final ManualClock clock = new ManualClock(Instant.now());
  private final List<String> useAfterClose = new CopyOnWriteArrayList<>();
  private final List<String> backgroundCallsAfterRelease = new CopyOnWriteArrayList<>();
  private final CountDownLatch gateEntered = new CountDownLatch(1);
  private final CountDownLatch gateReleased = new CountDownLatch(1);
  private volatile String gatedMethod = "";
  private volatile boolean closed;

  private ServerConfig config() {
    return MinimalServerConf.config(temp.resolve("sock/api.sock"), temp.resolve("data"), "");
  }

  /** The real store, recording use after close and holding the gated call of the background thread. */
  private DataStore watched(DataStore real) {
    return (DataStore) Proxy.newProxyInstance(DataStore.class.getClassLoader(), new Class<?>[] {DataStore.class},
        (proxy, method, args) -> {
          String name = method.getName();
          boolean background = Thread.currentThread().getName().equals("signet-server-background");
          if (name.equals("close")) {
            closed = true;
          } else if (closed) {
            useAfterClose.add(name + " on " + Thread.currentThread().getName());
          }
          if (background && gateReleased.getCount() == 0) {
            backgroundCallsAfterRelease.add(name);
          }
          boolean held = background && name.equals(gatedMethod) && gateEntered.getCount() > 0;
          if (held) {
            gateEntered.countDown();
            Threads.awaitUninterruptibly(gateReleased); // a shutdownNow alone cannot end this call
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          } finally {
            if (held) {
              backgroundCallsAfterRelease.add(name + " done");
            }
          }
        });
  }

  private SignetServer start(Duration rotationCheck, Duration eventPoll) throws Exception {
    return SignetServer.start(config(), clock, new SignetServer.Tuning(rotationCheck, eventPoll, this::watched,
        Duration.ofMinutes(1), name -> {
          if (name.equals("background loops")) {
            gateReleased.countDown(); // the shutdown reached the loops: the held call goes on now
          }
        }));
  }

  @Test
  void aCaRotationInProgressFinishesBeforeTheDatastoreClosesAndNothingLeaks() throws Exception {
    Set<Thread> before = Threads.live();
    SignetServer server = start(Duration.ofMillis(20), Duration.ofHours(1));
    int port = server.tcpPort();
    gatedMethod = "setCaJournal";
    clock.advance(Duration.ofHours(13)); // past the active CA's preparation threshold: the next check prepares one
    assertThat(gateEntered.await(1, TimeUnit.MINUTES)).isTrue();

    server.close();

    assertThat(useAfterClose).isEmpty();
    // The held journal write went on, and the rest of the rotation too, all before the store closed.
    assertThat(backgroundCallsAfterRelease).startsWith("setCaJournal done");
    assertNothingLeaked(before, port);
  }

  @Test
  void anEventPollInProgressFinishesBeforeTheDatastoreClosesAndNothingLeaks() throws Exception {
    Set<Thread> before = Threads.live();
    SignetServer server = start(Duration.ofHours(1), Duration.ofMillis(20));
    int port = server.tcpPort();
    // A change made by another server sharing the database: the next poll sees its event and reloads.
    SpiffeId parent = SpiffeId.parse("spiffe://example.org/spire/agent/join_token/t");
    gatedMethod = "listEvents";
    server.dataStore().createEntry(new RegistrationEntry("", SpiffeId.parse("spiffe://example.org/web"), parent,
        List.of(Selector.parse("unix:uid:1000")), 0, 0, List.of(), false, false, 0, List.of(), 0, false, "", 0));
    assertThat(gateEntered.await(1, TimeUnit.MINUTES)).isTrue();

    server.close();

    assertThat(useAfterClose).isEmpty();
    // The held poll went on and read the entry it saw change, all before the store closed.
    assertThat(backgroundCallsAfterRelease).startsWith("listEvents done").contains("fetchEntries");
    assertNothingLeaked(before, port);
  }

  private void assertNothingLeaked(Set<Thread> before, int port) {
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(Threads.startedSince(before, OWN_THREADS)).isEmpty());
    assertThat(temp.resolve("sock/api.sock")).doesNotExist();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      throw new AssertionError("the tcp listener still accepts on port " + port + ": " + socket);
    } catch (ConnectException expected) {
      // closed
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }


}
