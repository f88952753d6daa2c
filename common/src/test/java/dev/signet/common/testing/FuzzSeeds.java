package dev.signet.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The seed inputs of a Jazzer {@code @FuzzTest}, where Jazzer's regression mode replays them from: the test
 * class's resource folder {@code <TestClass>Inputs/<method>/<name>}. The fuzz tests' own {@code @Test}s read a
 * seed through here to show that it reaches the path under test, so the fuzzer starts from inputs that get through.
 */
public final class FuzzSeeds {
  private FuzzSeeds() {}

  /** The bytes of seed {@code name} of {@code test}'s fuzz method {@code method}; a missing seed fails the test. */
  public static byte[] bytes(Class<?> test, String method, String name) {
    String resource = test.getSimpleName() + "Inputs/" + method + "/" + name;
    try (InputStream in = test.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no seed " + resource + " beside " + test.getName());
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The seed as UTF-8 text (JSON documents, HCL, tokens). */
  public static String text(Class<?> test, String method, String name) {
    return new String(bytes(test, method, name), StandardCharsets.UTF_8);
  }
}
