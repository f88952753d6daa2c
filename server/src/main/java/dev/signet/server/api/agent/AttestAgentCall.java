package dev.signet.server.api.agent;

import com.google.protobuf.ByteString;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
import dev.signet.common.logging.LogFields;
import dev.signet.common.logging.LoggedFailure;
import dev.signet.proto.spire.api.server.agent.v1.AgentGrpc;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentRequest;
import dev.signet.proto.spire.api.server.agent.v1.AttestAgentResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One AttestAgent stream: the first message carries the params, later messages answer challenges.
 * Attestation runs off the transport thread; challenges block it until the agent answers (or 30 s).
 * A stream that breaks the protocol (no params first, params twice, a message without a step, closed before
 * params) is refused with INVALID_ARGUMENT and one line naming the peer's address and the attestor if known.
 */
final class AttestAgentCall implements StreamObserver<AttestAgentRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AttestAgentCall.class);
  /** Refused attestations, protocol errors included, are logged under one name. */
  private static final Logger REFUSALS = LoggerFactory.getLogger(AgentService.class);
  private static final long CHALLENGE_TIMEOUT_SECONDS = 30;
  private static final byte[] HUNG_UP = new byte[0];

  private final StreamObserver<AttestAgentResponse> responses;
  private final Executor executor;
  private final String peer;
  private final BiFunction<AttestAgentRequest.Params, Challenger, AttestAgentResponse.Result> attestation;
  private final BlockingQueue<byte[]> challengeResponses = new LinkedBlockingQueue<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile String attestor;
  private final AtomicBoolean finished = new AtomicBoolean();

  /** @param peer the caller's address, for the log line of a protocol error */
  AttestAgentCall(StreamObserver<AttestAgentResponse> responses, Executor executor, String peer,
      BiFunction<AttestAgentRequest.Params, Challenger, AttestAgentResponse.Result> attestation) {
    this.responses = responses;
    this.executor = executor;
    this.peer = peer;
    this.attestation = attestation;
  }

  @Override
  public void onNext(AttestAgentRequest request) {
    switch (request.getStepCase()) {
      case PARAMS -> {
        if (!started.compareAndSet(false, true)) {
          protocolError("params were already sent on this stream");
          return;
        }
        AttestAgentRequest.Params params = request.getParams();
        attestor = params.getData().getType();
        executor.execute(() -> run(params));
      }
      case CHALLENGE_RESPONSE -> {
        if (!started.get()) {
          protocolError("expected params as the first message");
          return;
        }
        challengeResponses.add(request.getChallengeResponse().toByteArray());
      }
      default -> protocolError("request has no step");
    }
  }

  private void run(AttestAgentRequest.Params params) {
    try {
      AttestAgentResponse.Result result = attestation.apply(params, this::challenge);
      if (finished.compareAndSet(false, true)) {
        responses.onNext(AttestAgentResponse.newBuilder().setResult(result).build());
        responses.onCompleted();
      }
    } catch (StatusRuntimeException e) {
      fail(e);
    } catch (RuntimeException e) {
      // Runs on an executor thread: an unexpected failure must still end the stream, or the agent waits
      // for its deadline. It is our bug, so INTERNAL, with the cause kept for the server log.
      LOG.error("attestation failed unexpectedly", e);
      fail(Status.INTERNAL.withDescription("failed to attest: " + e.getMessage()).withCause(e).asRuntimeException());
    }
  }

  private byte[] challenge(byte[] challenge) {
    if (finished.get()) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, "agent closed the stream");
    }
    responses.onNext(AttestAgentResponse.newBuilder().setChallenge(ByteString.copyFrom(challenge)).build());
    byte[] answer;
    try {
      answer = challengeResponses.poll(CHALLENGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, "interrupted waiting for the agent");
    }
    if (answer == null || answer == HUNG_UP) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE,
          "agent did not answer the challenge within " + CHALLENGE_TIMEOUT_SECONDS + " s");
    }
    return answer;
  }

  /** Ends the stream on a message out of protocol, with its one line (nothing of the message is logged). */
  private void protocolError(String description) {
    if (finished.compareAndSet(false, true)) {
      String type = attestor;
      responses.onError(LoggedFailure.of(Status.Code.INVALID_ARGUMENT, description)
          .with(LogFields.METHOD, AgentGrpc.getAttestAgentMethod().getFullMethodName())
          .with(LogFields.ATTESTOR, type == null || type.isEmpty() ? null : type)
          .with(LogFields.CALLER_ADDRESS, peer).logRuntimeException(REFUSALS));
    }
    challengeResponses.add(HUNG_UP);
  }

  private void fail(StatusRuntimeException e) {
    if (finished.compareAndSet(false, true)) {
      responses.onError(e);
    }
    challengeResponses.add(HUNG_UP);
  }

  @Override
  public void onError(Throwable t) {
    finished.set(true);
    challengeResponses.add(HUNG_UP);
  }

  @Override
  public void onCompleted() {
    if (!started.get()) {
      protocolError("stream closed before params were sent");
    }
  }
}
