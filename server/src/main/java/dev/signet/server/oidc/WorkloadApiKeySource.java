package dev.signet.server.oidc;

import dev.signet.common.bundle.JwksCodec;
import dev.signet.common.bundle.JwtAuthority;
import dev.signet.common.spiffe.TrustDomain;
import dev.signet.common.workload.WorkloadApiClient;
import dev.signet.proto.workload.JWTBundlesRequest;
import dev.signet.proto.workload.JWTBundlesResponse;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;

/**
 * JWT authorities from an agent's Workload API ({@code FetchJWTBundles}, first message of the stream), picking
 * the bundle of the configured trust domain out of the response as SPIRE's provider does.
 */
public final class WorkloadApiKeySource implements KeySource {
  private final Path socket;
  private final TrustDomain trustDomain;
  private final WorkloadApiClient client;

  public WorkloadApiKeySource(Path socket, TrustDomain trustDomain, Duration timeout) {
    this.socket = socket;
    this.trustDomain = trustDomain;
    this.client = new WorkloadApiClient(socket, timeout);
  }

  @Override
  public List<JwtAuthority> fetch() {
    JWTBundlesResponse response;
    // the stream stays open after its first message: cancel it once that message is read
    Context.CancellableContext call = Context.current().withCancellation();
    Context previous = call.attach();
    try {
      Iterator<JWTBundlesResponse> stream = client.workload().fetchJWTBundles(JWTBundlesRequest.getDefaultInstance());
      response = stream.next();
    } finally {
      call.detach(previous);
      call.cancel(null);
    }
    ByteString jwks = response.getBundlesMap().get(trustDomain.idString());
    if (jwks == null) {
      jwks = response.getBundlesMap().get(trustDomain.name());
    }
    if (jwks == null) {
      throw new IllegalStateException("the workload api at " + socket + " sent no jwt bundle for \"" + trustDomain
          + "\" (it sent " + response.getBundlesMap().keySet() + ")");
    }
    return JwksCodec.decode(trustDomain, jwks.toString(StandardCharsets.UTF_8)).jwtAuthorities();
  }

  @Override
  public String describe() {
    return "workload api " + socket + " (" + trustDomain + ")";
  }

  @Override
  public void close() {
    client.close();
  }
}
