package dev.signet.it;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An end-to-end test class whose processes all live in one {@link Workspace}, made by its {@code @BeforeAll}:
 * the workspace is closed (every process stopped) after the last test, and its process logs are attached to
 * any failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
abstract class OneWorkspaceTest implements ProcessLogsOnFailure.WithWorkspaces {
  /** Set by the subclass's {@code @BeforeAll}. */
  protected Workspace workspace;

  @Override
  public List<Workspace> workspaces() {
    return Collections.singletonList(workspace);
  }

  @AfterAll
  void closeWorkspace() {
    if (workspace != null) {
      workspace.close();
    }
  }
}
