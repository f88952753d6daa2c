package dev.signet.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The system's {@code openssl} for the tests' private PKIs: fails loudly when it is missing or a call fails. */
final class OpenSsl {
  private OpenSsl() {}

  /** Runs {@code openssl args...} and requires exit code 0. */
  static void run(String... args) {
    List<String> command = new ArrayList<>(List.of(Distribution.requireTool("openssl")));
    command.addAll(List.of(args));
    Distribution.run(Duration.ofSeconds(30), command).requireOk();
  }
}
