package dev.signet.common.lifecycle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Where systemd listens for a service's readiness messages: the value of {@code $NOTIFY_SOCKET}, an
 * {@code AF_UNIX} datagram socket given either as a file system path ({@code /run/systemd/notify}) or as a
 * name in Linux's abstract namespace ({@code @/org/freedesktop/systemd1/notify/…}, the {@code @} standing for
 * the leading NUL byte). Other forms (systemd 253's {@code vsock:}) are refused rather than guessed at.
 *
 * @param sunPath the bytes of {@code sockaddr_un.sun_path}: the path without a terminating NUL, or a NUL
 *     followed by the abstract name
 */
public record NotifySocket(byte[] sunPath) {
  /** {@code sizeof(sockaddr_un.sun_path)} on Linux. */
  static final int SUN_PATH_SIZE = 108;

  public NotifySocket {
    if (sunPath.length == 0) {
      throw new IllegalArgumentException("notify socket address is empty");
    }
    // A path needs room for its terminating NUL; an abstract name may use all 108 bytes.
    int limit = sunPath[0] == 0 ? SUN_PATH_SIZE : SUN_PATH_SIZE - 1;
    if (sunPath.length > limit) {
      throw new IllegalArgumentException("notify socket address is longer than " + limit + " bytes: \""
          + display(sunPath) + "\"");
    }
    sunPath = sunPath.clone();
  }

  /** Parses a {@code $NOTIFY_SOCKET} value: an absolute path or {@code @}abstract-name. */
  public static NotifySocket parse(String value) {
    if (value.startsWith("/")) {
      return new NotifySocket(value.getBytes(StandardCharsets.UTF_8));
    }
    if (value.startsWith("@") && value.length() > 1) {
      byte[] name = value.getBytes(StandardCharsets.UTF_8);
      name[0] = 0;
      return new NotifySocket(name);
    }
    throw new IllegalArgumentException("NOTIFY_SOCKET is neither an absolute path nor an @abstract name: \""
        + value + "\"");
  }

  /** True for a name in the abstract namespace (no file behind it). */
  public boolean isAbstract() {
    return sunPath[0] == 0;
  }

  @Override
  public byte[] sunPath() {
    return sunPath.clone();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NotifySocket that && Arrays.equals(sunPath, that.sunPath);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(sunPath);
  }

  @Override
  public String toString() {
    return display(sunPath);
  }

  private static String display(byte[] sunPath) {
    String text = new String(sunPath, StandardCharsets.UTF_8);
    return sunPath[0] == 0 ? "@" + text.substring(1) : text;
  }
}
