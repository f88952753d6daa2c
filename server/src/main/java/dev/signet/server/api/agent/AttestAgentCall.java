package dev.signet.server.api.agent;

import com.google.protobuf.ByteString;
import dev.signet.attestors.node.AttestationException;
import dev.signet.attestors.node.Challenger;
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
 */
final class AttestAgentCall implements StreamObserver<AttestAgentRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AttestAgentCall.class);
  private static final long CHALLENGE_TIMEOUT_SECONDS = 30;
  private static final byte[] HUNG_UP = new byte[0];

  private final StreamObserver<AttestAgentResponse> responses;
  private final Executor executor;
  private final BiFunction<AttestAgentRequest.Params, Challenger, AttestAgentResponse.Result> attestation;
  private final BlockingQueue<byte[]> challengeResponses = new LinkedBlockingQueue<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();

  AttestAgentCall(StreamObserver<AttestAgentResponse> responses, Executor executor,
      BiFunction<AttestAgentRequest.Params, Challenger, AttestAgentResponse.Result> attestation) {
    this.responses = responses;
    this.executor = executor;
    this.attestation = attestation;
  }

  @Override
  public void onNext(AttestAgentRequest request) {
    switch (request.getStepCase()) {
      case PARAMS -> {
        if (!started.compareAndSet(false, true)) {
          fail(Status.INVALID_ARGUMENT.withDescription("params were already sent on this stream").asRuntimeException());
          return;
        }
        AttestAgentRequest.Params params = request.getParams();
        executor.execute(() -> run(params));
      }
      case CHALLENGE_RESPONSE -> {
        if (!started.get()) {
          fail(Status.INVALID_ARGUMENT.withDescription("expected params as the first message").asRuntimeException());
          return;
        }
        challengeResponses.add(request.getChallengeResponse().toByteArray());
      }
      default -> fail(Status.INVALID_ARGUMENT.withDescription("request has no step").asRuntimeException());
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
      fail(Status.INVALID_ARGUMENT.withDescription("stream closed before params were sent").asRuntimeException());
    }
  }
}
