package dev.signet.it;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;

/**
 * On a failing test (or a failing setup), prints the tail of every process log of the test instance's
 * workspaces and attaches it to the failure as a suppressed exception, so the surefire report shows it.
 */
public final class ProcessLogsOnFailure implements AfterTestExecutionCallback, LifecycleMethodExecutionExceptionHandler {
  private static final int LINES = 60;

  /** Implemented by test classes that start processes. */
  public interface WithWorkspaces {
    List<Workspace> workspaces();
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    context.getExecutionException().ifPresent(failure -> attach(context, failure));
  }

  @Override
  public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    attach(context, failure);
    throw failure;
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
    attach(context, failure);
    throw failure;
  }

  private static void attach(ExtensionContext context, Throwable failure) {
    Optional<Object> instance = context.getTestInstance();
    if (instance.isEmpty() || !(instance.get() instanceof WithWorkspaces holder)) {
      return;
    }
    StringBuilder tails = new StringBuilder();
    for (Workspace workspace : holder.workspaces()) {
      if (workspace != null) {
        tails.append(workspace.logTails(LINES));
      }
    }
    if (tails.isEmpty()) {
      return;
    }
    System.err.println("### " + context.getDisplayName() + " failed: " + failure + "\n### process logs:" + tails);
    failure.addSuppressed(new ProcessLogs(tails.toString()));
  }

  /** Carries process log tails into the failure report. */
  static final class ProcessLogs extends RuntimeException {
    ProcessLogs(String tails) {
      super("process logs:" + tails, null, false, false);
    }
  }
}
