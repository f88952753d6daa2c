package dev.signet.attestors.node;

/** Sends a challenge to the attesting agent and waits for its response (one round trip of the AttestAgent stream). */
@FunctionalInterface
public interface Challenger {
  /**
   * @param challenge opaque challenge bytes the attestor wants answered
   * @return the agent's response bytes
   * @throws AttestationException if the agent hung up or did not answer in time
   */
  byte[] challenge(byte[] challenge);
}
