package dev.signet.attestors.node;

/**
 * The agent half of a node attestor: produces the attestation payload and answers the server's
 * challenges. Keyed by the same SPIRE plugin name as its {@code NodeAttestor} server half (in signet-attestors-server).
 */
public interface NodeAttestorClient {
  /** SPIRE's plugin name, sent as the attestation data type. */
  String name();

  /** The payload of the first AttestAgent message. */
  byte[] payload();

  /**
   * Answers one challenge of the server half.
   *
   * @throws AttestationException when the challenge is malformed or cannot be answered
   */
  default byte[] answer(byte[] challenge) {
    throw AttestationException.invalid(name() + ": unexpected challenge from the server");
  }
}
