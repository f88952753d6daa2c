package dev.signet.proto.transport;

import io.grpc.Attributes;
import io.grpc.Context;

/**
 * The kernel's view of the process on the other end of a Unix socket (SO_PEERCRED), captured when
 * the connection is accepted. This is the only source of workload identity we trust: nothing the
 * caller sends can change it.
 */
public record PeerCredentials(int pid, int uid, int gid) {
  /** Transport attribute under which {@link PeerCredentialsNegotiator} stores the credentials. */
  public static final Attributes.Key<PeerCredentials> TRANSPORT_ATTR = Attributes.Key.create("signet.peer-credentials");
  /** Context key under which {@link PeerCredentialsInterceptor} exposes them to service code. */
  public static final Context.Key<PeerCredentials> CONTEXT_KEY = Context.key("signet.peer-credentials");

  /** The credentials of the current call, or null when the call did not come over a Unix socket. */
  public static PeerCredentials current() {
    return CONTEXT_KEY.get();
  }
}
