package dev.signet.agent.client;

import com.google.protobuf.ByteString;
import dev.signet.attestors.node.NodeAttestorClient;
import dev.signet.common.grpc.QueueingObserver;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AgentX509SVIDParams;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import dev.signet.proto.spire.api.types.AttestationData;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the AttestAgent stream: send the attestation data and a CSR, answer each
 * challenge with the attestor, and return the result (the agent SVID). Any error from the server ends
 * the attestation with that status.
 */
public final class NodeAttestation {
  private NodeAttestation() {}

  /** Runs one attestation; blocks until the server answers or {@code timeout} passes. */
  public static AttestAgentResponse.Result attest(AgentGrpc.AgentStub agent, NodeAttestorClient attestor, byte[] csr,
      Duration timeout) {
    BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    StreamObserver<AttestAgentRequest> out = agent.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .attestAgent(new QueueingObserver<>(inbox,
            Status.UNAVAILABLE.withDescription("server closed the attestation stream without a result")));
    out.onNext(AttestAgentRequest.newBuilder().setParams(AttestAgentRequest.Params.newBuilder()
        .setData(AttestationData.newBuilder().setType(attestor.name()).setPayload(ByteString.copyFrom(attestor.payload())))
        .setParams(AgentX509SVIDParams.newBuilder().setCsr(ByteString.copyFrom(csr)))).build());
    try {
      while (true) {
        Object next = inbox.poll(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        switch (next) {
          case null -> throw Status.DEADLINE_EXCEEDED.withDescription("attestation timed out").asRuntimeException();
          case Throwable t -> throw Status.fromThrowable(t).asRuntimeException();
          case Status s -> throw s.asRuntimeException();
          case AttestAgentResponse response when response.hasResult() -> {
            out.onCompleted();
            return response.getResult();
          }
          case AttestAgentResponse response -> out.onNext(AttestAgentRequest.newBuilder()
              .setChallengeResponse(ByteString.copyFrom(attestor.answer(response.getChallenge().toByteArray())))
              .build());
          default -> throw new IllegalStateException("unexpected " + next);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.onError(Status.CANCELLED.asRuntimeException());
      throw Status.CANCELLED.withDescription("attestation interrupted").asRuntimeException();
    } catch (RuntimeException e) {
      // cancels the stream if it is still open (a no-op after the server ended it)
      out.onError(Status.CANCELLED.withDescription(e.getMessage()).asRuntimeException());
      throw e;
    }
  }
}
