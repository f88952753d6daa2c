package dev.signet.common;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The release version of this build ({@code project.version}, written into the jar when it is built). */
public final class SignetVersion {
  private static final String VERSION = load();

  private SignetVersion() {}

  /** The version, such as {@code 0.1.0}. */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = SignetVersion.class.getResourceAsStream("signet-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("signet-version.properties is missing from the build");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
