package dev.signet.server.api;

import io.grpc.stub.StreamObserver;

/** Answering a unary RPC: one value, then completion. */
public final class Unary {
  private Unary() {}

  public static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }
}
