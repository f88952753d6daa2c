package dev.signet.datastore;

import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * An attested agent, as SPIRE's {@code AttestedNode}: the serial number and expiry of its current
 * SVID, and of the SVID issued by an in-flight renewal ({@code newCert…}; the agent may present either
 * until it switches). A banned node has both serials cleared and is refused until it is deleted.
 *
 * @param attestationDataType the node attestor that attested it ({@code join_token}, {@code x509pop}…)
 * @param certSerialNumber decimal serial of the current agent SVID; empty when none (banned)
 * @param certNotAfter expiry of the current agent SVID, or null
 * @param newCertSerialNumber decimal serial issued by a renewal not yet confirmed; empty when none
 * @param newCertNotAfter its expiry, or null
 * @param selectors the node selectors the attestor produced
 * @param agentVersion the version the agent last reported ({@code PostStatus}); empty when it never did
 */
public record AttestedNode(
    SpiffeId spiffeId,
    String attestationDataType,
    String certSerialNumber,
    Instant certNotAfter,
    String newCertSerialNumber,
    Instant newCertNotAfter,
    boolean canReattest,
    boolean banned,
    List<Selector> selectors,
    String agentVersion) {
  /** The longest agent version kept. */
  public static final int MAX_AGENT_VERSION_LENGTH = 255;

  public AttestedNode {
    Objects.requireNonNull(spiffeId, "spiffeId");
    if (attestationDataType == null || attestationDataType.isEmpty()) {
      throw new IllegalArgumentException("attestation data type of node \"" + spiffeId + "\" is empty");
    }
    certSerialNumber = certSerialNumber == null ? "" : certSerialNumber;
    newCertSerialNumber = newCertSerialNumber == null ? "" : newCertSerialNumber;
    selectors = List.copyOf(new LinkedHashSet<>(selectors));
    agentVersion = agentVersion == null ? "" : agentVersion;
    if (agentVersion.length() > MAX_AGENT_VERSION_LENGTH) {
      throw new IllegalArgumentException("agent version of node \"" + spiffeId + "\" is longer than "
          + MAX_AGENT_VERSION_LENGTH + " characters");
    }
  }

  /** A node that has reported no agent version. */
  public AttestedNode(SpiffeId spiffeId, String attestationDataType, String certSerialNumber, Instant certNotAfter,
      String newCertSerialNumber, Instant newCertNotAfter, boolean canReattest, boolean banned,
      List<Selector> selectors) {
    this(spiffeId, attestationDataType, certSerialNumber, certNotAfter, newCertSerialNumber, newCertNotAfter,
        canReattest, banned, selectors, "");
  }

  /** This node with its selectors replaced. */
  public AttestedNode withSelectors(List<Selector> nodeSelectors) {
    return new AttestedNode(spiffeId, attestationDataType, certSerialNumber, certNotAfter, newCertSerialNumber,
        newCertNotAfter, canReattest, banned, nodeSelectors, agentVersion);
  }
}
