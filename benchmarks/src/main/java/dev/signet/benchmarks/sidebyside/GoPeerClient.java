package dev.signet.benchmarks.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one of our Go peer clients (tools/peers: go-spiffe-client, spire-api-client), which print what they measured
 * as one JSON object on stdout, and reads numbers from that object. A client that fails or overruns fails the run.
 */
final class GoPeerClient {
  private static final int TIMEOUT_SECONDS = 300;

  private GoPeerClient() {}

  /** The client's stdout; its stderr goes to ours. */
  static String run(List<String> command) {
    try {
      Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " ran longer than " + TIMEOUT_SECONDS + " s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*([0-9.eE+-]+)").matcher(json);
    if (!m.find()) {
      throw new IllegalStateException("no '" + key + "' in the client's output: " + json);
    }
    return Double.parseDouble(m.group(1));
  }
}
