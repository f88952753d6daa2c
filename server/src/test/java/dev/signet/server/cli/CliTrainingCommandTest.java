package dev.signet.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hidden {@code cli-training} verb the build trains the admin verbs' AOT cache with: it runs each line's call in
 * this JVM, treats a {@code !} line as a call that must fail, and fails itself when a call ends otherwise, so a
 * broken training run is seen by the build instead of making a cache of error paths only.
 */
class CliTrainingCommandTest {
  @TempDir Path temp;

  private record Run(int code, String err) {}

  private static synchronized Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
      return new Run(ServerMain.commandLine(args).execute(args), errBytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void callsThatFailAsExpectedPassQuietly() throws Exception {
    Path calls = temp.resolve("calls.txt");
    Files.writeString(calls, "!agent list -socketPath " + temp.resolve("none/api.sock") + "\n\n"
        + "!entry count -socketPath " + temp.resolve("none/api.sock") + "\n");

    Run run = run("cli-training", "-calls", calls.toString());

    assertThat(run.code()).isZero();
    assertThat(run.err()).as("the expected failures print nothing").isEmpty();
  }

  @Test
  void aCallThatFailsUnexpectedlyFailsTheTraining() throws Exception {
    Path calls = temp.resolve("calls.txt");
    String failing = "agent list -socketPath " + temp.resolve("none/api.sock");
    Files.writeString(calls, failing + "\n");

    Run run = run("cli-training", "-calls", calls.toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("cli-training: unexpected exit 1 from: " + failing);
  }

  @Test
  void aCallExpectedToFailThatSucceedsFailsTheTraining() throws Exception {
    Path calls = temp.resolve("calls.txt");
    Files.writeString(calls, "!entry -h\n");

    Run run = run("cli-training", "-calls", calls.toString());

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("cli-training: unexpected exit 0 from: !entry -h");
  }

  @Test
  void theVerbIsHiddenFromTheUsage() {
    assertThat(ServerMain.commandLine().getUsageMessage()).doesNotContain("cli-training");
  }
}
