package dev.signet.server.endpoint;

import dev.signet.common.spiffe.SpiffeId;
import dev.signet.proto.transport.PeerCredentials;
import io.grpc.Context;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Who is calling, as established by the transport before any service code runs.
 *
 * <ul>
 *   <li>{@link Local}: came over the admin Unix socket; file permissions already decided who may connect.
 *   <li>{@link X509}: presented a client certificate over TCP that verified against our trust bundle(s).
 *   <li>{@link Anonymous}: TCP without a client certificate (only AttestAgent and GetBundle accept it).
 * </ul>
 */
public sealed interface Caller {
  /** Context key under which {@link CallerInterceptor} stores the caller of the current call. */
  Context.Key<Caller> CONTEXT_KEY = Context.key("signet.caller");
  /** Context key for the peer's address (IP for TCP, "local" for the admin socket), the rate-limit key. */
  Context.Key<String> PEER_ADDRESS = Context.key("signet.peer-address");

  /** The current call's peer address; "unknown" outside a call. */
  static String peerAddress() {
    String address = PEER_ADDRESS.get();
    return address == null ? "unknown" : address;
  }

  /** The caller of the current gRPC call; anonymous outside a call. */
  static Caller current() {
    Caller caller = CONTEXT_KEY.get();
    return caller == null ? Anonymous.INSTANCE : caller;
  }

  /** A short description for logs and audit records (never secret). */
  String describe();

  /** A process on this host connected to the admin socket. */
  record Local(PeerCredentials credentials) implements Caller {
    @Override
    public String describe() {
      return credentials == null ? "local" : "local uid " + credentials.uid() + " pid " + credentials.pid();
    }
  }

  /** A peer authenticated by its X509-SVID; {@code chain} is leaf first. */
  record X509(SpiffeId id, List<X509Certificate> chain) implements Caller {
    public X509 {
      chain = List.copyOf(chain);
    }

    /** The leaf certificate the peer presented. */
    public X509Certificate leaf() {
      return chain.get(0);
    }

    @Override
    public String describe() {
      return id.toString();
    }
  }

  /** A TCP peer without a client certificate. */
  enum Anonymous implements Caller {
    INSTANCE;

    @Override
    public String describe() {
      return "anonymous";
    }
  }
}
