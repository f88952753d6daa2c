package dev.signet.server.authz;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.datastore.AttestedNode;
import dev.signet.datastore.DataStore;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Decides whether an mTLS caller is a live agent: attested (a node record exists), not banned, not
 * expired, and presenting exactly the SVID the server last issued to it (current serial, or the new
 * serial of an in-flight renewal). A copied or superseded agent SVID is refused even while it is valid.
 */
public final class AgentAuthorizer {
  private final DataStore dataStore;
  private final Clock clock;
  private final Consumer<SpiffeId> onAuthorized;

  public AgentAuthorizer(DataStore dataStore, Clock clock) {
    this(dataStore, clock, id -> {});
  }

  /** With {@code onAuthorized} told the ID of every agent let through (its last contact, for trust scores). */
  public AgentAuthorizer(DataStore dataStore, Clock clock, Consumer<SpiffeId> onAuthorized) {
    this.dataStore = dataStore;
    this.clock = clock;
    this.onAuthorized = onAuthorized;
  }

  /** Why an agent is refused; the names match SPIRE's {@code PermissionDeniedDetails.Reason}. */
  public enum Denial {
    AGENT_EXPIRED,
    AGENT_NOT_ATTESTED,
    AGENT_NOT_ACTIVE,
    AGENT_BANNED
  }

  /** The node record of an authorized agent, or the reason it is refused. */
  public record Decision(AttestedNode node, Denial denial, String message) {
    public boolean allowed() {
      return denial == null;
    }
  }

  public Decision check(SpiffeId callerId, X509Certificate leaf) {
    Optional<AttestedNode> found = dataStore.fetchAttestedNode(callerId);
    if (found.isEmpty()) {
      return new Decision(null, Denial.AGENT_NOT_ATTESTED, "agent \"" + callerId + "\" is not attested");
    }
    AttestedNode node = found.get();
    if (node.banned()) {
      return new Decision(node, Denial.AGENT_BANNED, "agent \"" + callerId + "\" is banned");
    }
    if (!clock.instant().isBefore(leaf.getNotAfter().toInstant())) {
      return new Decision(node, Denial.AGENT_EXPIRED, "agent \"" + callerId + "\" SVID is expired");
    }
    String serial = leaf.getSerialNumber().toString();
    if (!serial.equals(node.certSerialNumber()) && !serial.equals(node.newCertSerialNumber())) {
      return new Decision(node, Denial.AGENT_NOT_ACTIVE,
          "agent \"" + callerId + "\" SVID serial " + serialHex(leaf.getSerialNumber()) + " is not active");
    }
    if (serial.equals(node.newCertSerialNumber())) {
      // First call with a renewed SVID: it becomes the current one and the previous SVID stops working.
      node = dataStore.updateNodeSerials(callerId, node.newCertSerialNumber(), node.newCertNotAfter(), "", null);
    }
    onAuthorized.accept(callerId);
    return new Decision(node, null, null);
  }

  private static String serialHex(BigInteger serial) {
    return serial.toString(16);
  }
}
