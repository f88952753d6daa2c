package dev.signet.it;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An end-to-end test class whose test methods each get a fresh {@link Workspace} (JUnit makes a new instance per
 * method): the workspace is closed (every process stopped) after each test, and its process logs are attached
 * to any failure. {@link OneWorkspaceTest} is the per-class form.
 */
@ExtendWith(ProcessLogsOnFailure.class)
abstract class WorkspacePerTest implements ProcessLogsOnFailure.WithWorkspaces {
  protected final Workspace workspace;

  protected WorkspacePerTest(String name) {
    workspace = new Workspace(name);
  }

  @Override
  public List<Workspace> workspaces() {
    return List.of(workspace);
  }

  @AfterEach
  void closeWorkspace() {
    workspace.close();
  }
}
