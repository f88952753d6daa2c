package dev.signet.gateway.proxy;

import dev.signet.gateway.authz.AccessDecision;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Runs what follows a decision on the connection's event loop: at once when the decision is already made
 * (in-process policies, a cached answer), later when it comes from the network. A decision that failed
 * (a bug in an authorizer) is a denial: fail closed.
 */
final class Decisions {
  private Decisions() {}

  /** Whether the decision was already made: then {@code then} has run before this returns. */
  static boolean whenDecided(ChannelHandlerContext ctx, CompletionStage<AccessDecision> stage,
      Consumer<AccessDecision> then) {
    CompletableFuture<AccessDecision> future = stage.toCompletableFuture();
    if (future.isDone() && ctx.executor().inEventLoop()) {
      then.accept(outcome(future));
      return true;
    }
    future.whenComplete((d, e) -> ctx.executor().execute(() -> then.accept(outcome(future))));
    return false;
  }

  private static AccessDecision outcome(CompletableFuture<AccessDecision> done) {
    try {
      return done.join();
    } catch (RuntimeException e) {
      return AccessDecision.unavailable("the decision failed: " + e.getMessage());
    }
  }
}
