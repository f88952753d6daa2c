package dev.signet.common.files;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process umask, set through libc's {@code umask(2)} (the JDK has no API for it) with the foreign
 * function API. The daemons raise it at start, as spire-server and spire-agent do, so that whatever a
 * library creates without an explicit mode (H2's database and trace files, a log file) is never writable
 * by the group nor accessible to others. Needs {@code --enable-native-access=ALL-UNNAMED} to run without
 * the JDK's restricted-method warning; the launchers pass it.
 */
public final class ProcessUmask {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessUmask.class);
  /** The floor, SPIRE's: no write for the group, nothing for others. Stricter bits already set are kept. */
  public static final int MINIMUM = 0027;
  private static final int ALL_BITS = 0777;

  private ProcessUmask() {}

  /**
   * Sets the umask to {@code mask} and returns the previous one. Process-wide: every thread's later file
   * creations are affected.
   */
  public static int set(int mask) {
    if ((mask & ~ALL_BITS) != 0) {
      throw new IllegalArgumentException("umask " + octal(mask) + " has bits outside 0777");
    }
    try {
      return (int) Holder.UMASK.invokeExact(mask);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("umask(" + octal(mask) + ") failed", e);
    }
  }

  /**
   * Raises the umask to include {@link #MINIMUM} (the current bits are kept, so 0077 stays 0077) and logs
   * the change at INFO; returns the umask now in force.
   */
  public static int restrict() {
    int previous = set(MINIMUM);
    int next = previous | MINIMUM;
    set(next);
    if (next == previous) {
      LOG.info("umask is {}", octal(next));
    } else {
      LOG.info("umask {} is too permissive; setting umask {}", octal(previous), octal(next));
    }
    return next;
  }

  /** {@code mask} as the shell prints it, e.g. {@code 0027}. */
  public static String octal(int mask) {
    return String.format(Locale.ROOT, "%04o", mask);
  }

  /** Looked up on first use, so code that never touches the umask needs no native access. */
  private static final class Holder {
    static final MethodHandle UMASK = lookup();

    private static MethodHandle lookup() {
      Linker linker = Linker.nativeLinker();
      return linker.defaultLookup().find("umask")
          .map(symbol -> linker.downcallHandle(symbol, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
          .orElseThrow(() -> new IllegalStateException("libc has no umask symbol"));
    }
  }
}
