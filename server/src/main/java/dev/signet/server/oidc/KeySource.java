package dev.signet.server.oidc;

import dev.signet.common.bundle.JwtAuthority;
import java.util.List;

/**
 * Where the provider gets the trust domain's JWT authorities: the server's admin API or an agent's Workload API.
 * One call fetches the current set; a failure is thrown (gRPC's {@code StatusRuntimeException} or a bundle
 * format error) and the poller keeps serving the last good set.
 */
public interface KeySource extends AutoCloseable {
  /** The JWT authorities the trust domain publishes now, prepared ones included. */
  List<JwtAuthority> fetch();

  /** A short name for logs, e.g. {@code server api unix:///tmp/api.sock}. */
  String describe();

  @Override
  void close();
}
