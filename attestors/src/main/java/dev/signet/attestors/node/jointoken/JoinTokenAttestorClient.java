package dev.signet.attestors.node.jointoken;

import dev.signet.attestors.node.NodeAttestorClient;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Agent half of {@code join_token}: the payload is the token; there are no challenges. */
public final class JoinTokenAttestorClient implements NodeAttestorClient {
  private final String token;

  public JoinTokenAttestorClient(String token) {
    this.token = Objects.requireNonNull(token, "join token");
    if (token.isBlank()) {
      throw new IllegalArgumentException("join_token: the join token is empty");
    }
  }

  @Override
  public String name() {
    return JoinTokenNodeAttestor.NAME;
  }

  @Override
  public byte[] payload() {
    return token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "JoinTokenAttestorClient[token=<redacted>]";
  }
}
