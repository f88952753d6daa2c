package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.spiffe.svid.x509svid.X509Svid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code signet-agent} against a real {@code spire-server} v1.13.3 ({@link SpireServer}): it attests with a
 * join token that {@code spire-server token generate} made, finds no push extension and syncs by polling, and
 * serves a workload the X509-SVID that SPIRE's CA signed; an entry created with {@code spire-server entry
 * create} reaches the workload's stream (the time it takes is printed), also after a {@code spire-server}
 * restart.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SignetAgentOnSpireServerEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private static final String NODE = SignetServer.id("/node/signet-agent");
  private static final Duration PROPAGATION_LIMIT = Duration.ofSeconds(30);

  private Workspace workspace;
  private SpireServer spire;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @BeforeEach
  void startSpireServer() {
    workspace = new Workspace("signet-agent-on-spire");
    spire = new SpireServer(workspace).start();
  }

  @AfterEach
  void stopAll() {
    if (workspace != null) {
      workspace.close();
    }
  }

  @Test
  void signetAgentAttestsToSpireServerAndServesItsSvids() throws Exception {
    String selector = "unix:uid:" + Uids.current();
    String first = SignetServer.id("/workload/on-spire-first");
    spire.createEntry(NODE, first, selector);

    SignetAgent agent = new SignetAgent(workspace, spire, "a").attestAndStart(NODE);
    assertThat(spire.agentIds()).as("spire-server agent list").contains(agent.spiffeId());

    try (X509Watch watch = new X509Watch(agent.address())) {
      watch.awaitSpiffeId(first, Duration.ofSeconds(30));
      X509Svid svid = watch.latest(first).orElseThrow();
      assertSignedBySpire(svid.getLeaf());
      Poll.until("the agent falling back to polling", Duration.ofSeconds(10),
          () -> agent.process().tail(400).contains("server has no push extension"));

      List<Long> samples = new java.util.ArrayList<>();
      for (int i = 0; i < 3; i++) {
        samples.add(propagate(watch, selector, "/workload/on-spire-" + i));
      }
      System.out.printf("signet-agent on spire-server: entry create returned -> SVID on the workload stream in %s ms%n",
          samples);

      spire.stop();
      spire.start();
      long afterRestart = propagate(watch, selector, "/workload/on-spire-after-restart");
      System.out.printf("signet-agent on spire-server, after a spire-server restart: entry create returned -> SVID on "
          + "the workload stream in %d ms%n", afterRestart);
      assertThat(agent.process().isAlive()).as("signet-agent survived the spire-server restart").isTrue();
      assertSignedBySpire(watch.latest(SignetServer.id("/workload/on-spire-after-restart")).orElseThrow().getLeaf());
    }
  }

  /** Creates an entry with spire-server's CLI; returns the ms from the CLI's return to the SVID on the stream. */
  private long propagate(X509Watch watch, String selector, String path) {
    String spiffeId = SignetServer.id(path);
    spire.createEntry(NODE, spiffeId, selector);
    long returned = System.nanoTime();
    long arrived = watch.awaitSpiffeId(spiffeId, PROPAGATION_LIMIT);
    return TimeUnit.NANOSECONDS.toMillis(Math.max(0, arrived - returned));
  }

  /** The leaf verifies with a CA certificate of {@code spire-server bundle show}: SPIRE minted it, not the agent. */
  private void assertSignedBySpire(X509Certificate leaf) throws IOException, GeneralSecurityException {
    List<X509Certificate> authorities;
    try (InputStream pem = Files.newInputStream(spire.writeBootstrapBundle())) {
      authorities = CertificateFactory.getInstance("X.509").generateCertificates(pem).stream()
          .map(X509Certificate.class::cast).toList();
    }
    assertThat(authorities).isNotEmpty();
    boolean verified = false;
    for (X509Certificate authority : authorities) {
      try {
        leaf.verify(authority.getPublicKey());
        verified = true;
      } catch (java.security.SignatureException | java.security.InvalidKeyException e) {
        // another authority of the bundle
      }
    }
    assertThat(verified).as("%s is signed by an authority of spire-server's bundle", leaf.getSubjectX500Principal())
        .isTrue();
  }
}
