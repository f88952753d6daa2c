package dev.signet.it;

/** The outcome of a short-lived CLI command: exit code and both output streams. */
public record CommandResult(String command, int exitCode, String stdout, String stderr) {

  public boolean ok() {
    return exitCode == 0;
  }

  /** Both streams, for matching error messages wherever the tool printed them. */
  public String output() {
    return stdout + stderr;
  }

  /** Throws with the whole output unless the command succeeded. */
  public CommandResult requireOk() {
    if (!ok()) {
      throw new AssertionError("command failed: " + this);
    }
    return this;
  }

  @Override
  public String toString() {
    return command + " -> exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
  }
}
