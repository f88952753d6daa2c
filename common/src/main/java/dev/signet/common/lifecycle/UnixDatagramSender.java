package dev.signet.common.lifecycle;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Sends one datagram to an {@code AF_UNIX} datagram socket, through libc ({@code socket}, {@code sendto},
 * {@code close}) called with the JDK's foreign function API: the JDK's own channels have no Unix datagram
 * socket. The socket is opened per message (readiness messages are a handful per process lifetime) with
 * {@code SOCK_CLOEXEC}, so no descriptor leaks into child processes. Linux x86_64/aarch64 only.
 */
final class UnixDatagramSender {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  /** offsetof(struct sockaddr_un, sun_path): sa_family_t is an unsigned short. */
  private static final int SUN_PATH_OFFSET = 2;

  private static final Linker LINKER = Linker.nativeLinker();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
  private static final MethodHandle SOCKET = function("socket",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final MethodHandle SENDTO = function("sendto",
      FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
          ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final MethodHandle CLOSE = function("close",
      FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

  private UnixDatagramSender() {}

  private static MethodHandle function(String name, FunctionDescriptor descriptor) {
    SymbolLookup libc = LINKER.defaultLookup();
    MemorySegment address = libc.find(name)
        .orElseThrow(() -> new IllegalStateException("libc has no " + name + " function"));
    return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
  }

  /** Sends {@code message} as one datagram to {@code target}; an I/O error names the libc call and errno. */
  static void send(NotifySocket target, byte[] message) throws IOException {
    byte[] sunPath = target.sunPath();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      // sockaddr_un: family, then the path; a path's length counts its terminating NUL, an abstract
      // name's does not (its bytes after the leading NUL are the whole name).
      int addressLength = SUN_PATH_OFFSET + sunPath.length + (target.isAbstract() ? 0 : 1);
      MemorySegment address = arena.allocate(SUN_PATH_OFFSET + NotifySocket.SUN_PATH_SIZE);
      address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
      MemorySegment.copy(sunPath, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, sunPath.length);
      MemorySegment buffer = arena.allocate(Math.max(1, message.length));
      MemorySegment.copy(message, 0, buffer, ValueLayout.JAVA_BYTE, 0, message.length);

      int fd = (int) SOCKET.invokeExact(state, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: errno " + errno(state));
      }
      try {
        long sent = (long) SENDTO.invokeExact(state, fd, buffer, (long) message.length, 0, address, addressLength);
        if (sent < 0) {
          throw new IOException("sendto " + target + " failed: errno " + errno(state));
        }
        if (sent != message.length) {
          throw new IOException("sendto " + target + " sent " + sent + " of " + message.length + " bytes");
        }
      } finally {
        int ignored = (int) CLOSE.invokeExact(state, fd); // nothing to recover from a failed close of a datagram socket
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native call failed unexpectedly", t);
    }
  }

  private static int errno(MemorySegment state) {
    return (int) ERRNO.get(state, 0L);
  }
}
