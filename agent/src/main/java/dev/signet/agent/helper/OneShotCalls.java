package dev.signet.agent.helper;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A unary Workload API call in one-shot mode, asked again while the agent cannot answer yet: UNAVAILABLE (the
 * agent is starting) and PERMISSION_DENIED (the workload's entry has not reached the agent yet) are retried
 * until the deadline; any other code fails at once.
 */
final class OneShotCalls {
  private static final Logger LOG = LoggerFactory.getLogger(OneShotCalls.class);
  private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
  private static final Duration MAX_PAUSE = Duration.ofSeconds(2);

  private OneShotCalls() {}

  static <T> T retrying(String what, Instant deadline, Supplier<T> call) throws IOException, InterruptedException {
    Duration pause = FIRST_PAUSE;
    while (true) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.PERMISSION_DENIED;
        if (!retryable || Instant.now().plus(pause).isAfter(deadline)) {
          throw new IOException("cannot fetch " + what + ": " + code + " " + e.getStatus().getDescription(), e);
        }
        LOG.info("{} not available yet ({}); asking again in {} ms", what, code, pause.toMillis());
        Thread.sleep(pause.toMillis());
        Duration doubled = pause.multipliedBy(2);
        pause = doubled.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : doubled;
      }
    }
  }
}
