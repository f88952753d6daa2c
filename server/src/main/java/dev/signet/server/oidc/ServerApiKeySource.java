package dev.signet.server.oidc;

import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.proto.BundleProtos;
import dev.signet.proto.spire.api.server.bundle.v1.GetBundleRequest;
import dev.signet.proto.transport.AdminClient;
import java.nio.file.Path;
import java.util.List;

/**
 * JWT authorities from {@code bundle.v1.GetBundle} on the server's admin socket (the CLI's {@link AdminClient}).
 * The server publishes a prepared JWT key in its bundle before activating it, so relying parties polling the
 * provider know it before the first token it signs.
 */
public final class ServerApiKeySource implements KeySource {
  private final Path socket;
  private final AdminClient client;

  public ServerApiKeySource(Path socket) {
    this.socket = socket;
    this.client = new AdminClient(socket);
  }

  @Override
  public List<JwtAuthority> fetch() {
    return BundleProtos.fromProto(client.bundles().getBundle(GetBundleRequest.getDefaultInstance())).jwtAuthorities();
  }

  @Override
  public String describe() {
    return "server api unix://" + socket;
  }

  @Override
  public void close() {
    client.close();
  }
}
