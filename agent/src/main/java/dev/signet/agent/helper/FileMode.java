package dev.signet.agent.helper;

import dev.signet.common.config.ConfigException;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * A file mode from the helper configuration ({@code cert_file_mode = 0644}): the nine permission bits, no
 * set-id or sticky bits. HCL v1 reads {@code 0644} as an octal number; a string ({@code "0644"}) is read the same
 * way, as spiffe-helper's HCL decoding does.
 */
public record FileMode(int bits) {
  private static final PosixFilePermission[] ORDER = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};

  public FileMode {
    if (bits < 0 || bits > 0777) {
      throw new IllegalArgumentException("file mode " + octal(bits) + " is not between 0000 and 0777");
    }
  }

  /** Reads the value of {@code key} (a number, or a string of octal/decimal digits). */
  static FileMode parse(String key, Object raw) {
    long value = switch (raw) {
      case Long number -> number;
      case String text when text.strip().matches("0[0-7]*") -> Long.parseLong(text.strip(), 8);
      case String text when text.strip().matches("[1-9][0-9]{0,9}") -> Long.parseLong(text.strip());
      default -> throw new ConfigException(key + ": expected an octal file mode such as 0644, got "
          + (raw instanceof String s ? "\"" + s + "\"" : String.valueOf(raw)));
    };
    if (value < 0 || value > 0777) {
      throw new ConfigException(key + ": file mode " + (raw instanceof String s ? "\"" + s + "\"" : octal(value))
          + " is not between 0000 and 0777 (set-id and sticky bits are refused)");
    }
    return new FileMode((int) value);
  }

  /** True when anyone other than the owner and the group may read, write or execute the file. */
  public boolean grantsOthers() {
    return (bits & 07) != 0;
  }

  public Set<PosixFilePermission> permissions() {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < ORDER.length; i++) {
      if ((bits & (1 << i)) != 0) {
        set.add(ORDER[i]);
      }
    }
    return set;
  }

  static String octal(long bits) {
    return String.format("%04o", bits);
  }

  @Override
  public String toString() {
    return octal(bits);
  }
}
