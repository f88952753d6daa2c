package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.svid.x509svid.X509Svid;
import io.spiffe.svid.x509svid.X509SvidValidator;
import io.spiffe.workloadapi.DefaultX509Source;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SVID rotation with a short default X509-SVID TTL (20 s): an open java-spiffe X509Source receives a new
 * SVID on the same stream, before the old one expires.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class RotationEndToEndTest extends OneWorkspaceTest {
  private static final String NODE = SignetServer.id("/node/rotation");
  private static final String WORKLOAD = SignetServer.id("/workload/rotating");

  private SignetAgent agent;

  @BeforeAll
  void startServerAndAgent() {
    workspace = new Workspace("rotation");
    SignetServer server = new SignetServer(workspace, "20s").start();
    server.createEntryOverGrpc(NODE, WORKLOAD, "unix:uid:" + Uids.current());
    agent = new SignetAgent(workspace, server, "a").attestAndStart(NODE);
  }

  @Test
  void openX509SourceReceivesARotatedSvidBeforeTheOldOneExpires() throws Exception {
    try (X509Watch watch = new X509Watch(agent.address());
        DefaultX509Source source = Spiffe.x509Source(agent.address(), WORKLOAD)) {
      X509Svid first = source.getX509Svid();
      BigInteger firstSerial = first.getLeaf().getSerialNumber();
      Instant firstExpiry = first.getLeaf().getNotAfter().toInstant();
      Duration ttl = Duration.between(first.getLeaf().getNotBefore().toInstant(), firstExpiry);
      assertThat(ttl).as("the default_x509_svid_ttl of 20s applies (allowing for backdating)")
          .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(40));
      long start = System.nanoTime();

      X509Svid rotated = Poll.value("a rotated SVID (serial other than " + firstSerial + ") on the open source",
          Duration.ofSeconds(20), () -> java.util.Optional.of(source.getX509Svid())
              .filter(svid -> !svid.getLeaf().getSerialNumber().equals(firstSerial)));
      Instant seenAt = Instant.now();
      System.out.println("rotation: new SVID after " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)
          + " ms; old one valid until " + firstExpiry + ", new one issued " + rotated.getLeaf().getNotBefore()
          + " valid until " + rotated.getLeaf().getNotAfter());

      assertThat(seenAt).as("the workload got the new SVID before the old one expired").isBefore(firstExpiry);
      assertThat(rotated.getSpiffeId().toString()).isEqualTo(WORKLOAD);
      assertThat(rotated.getLeaf().getNotAfter()).isAfter(first.getLeaf().getNotAfter());
      assertThat(rotated.getLeaf().getPublicKey()).as("a fresh key with the new SVID")
          .isNotEqualTo(first.getLeaf().getPublicKey());
      X509SvidValidator.verifyChain(rotated.getChain(), source);
      assertThat(watch.errors()).as("the Workload API stream was never broken (no reconnect)").isEmpty();
      assertThat(watch.updates().size()).as("the stream pushed the rotation as a new message").isGreaterThanOrEqualTo(2);
    }
  }
}
