package dev.signet.attestors.node.awsiid;

/** Names shared by both halves of {@code NodeAttestor "aws_iid"}. */
final class AwsIid {
  /** SPIRE's plugin name, also the attestation data type and the selector type. */
  static final String NAME = "aws_iid";

  private AwsIid() {}
}
