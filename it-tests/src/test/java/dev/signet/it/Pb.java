package dev.signet.it;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hand encoding and decoding of the few protobuf messages the it-tests send over raw gRPC (Signet's own
 * generated classes must stay off this class path): a tiny message builder and field readers, with the
 * field numbers taken from the public definitions at each call site.
 */
final class Pb {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

  static Pb message() {
    return new Pb();
  }

  Pb string(int field, String value) {
    return write(() -> out.writeString(field, value));
  }

  Pb bytes(int field, byte[] value) {
    return write(() -> out.writeByteArray(field, value));
  }

  Pb message(int field, Pb value) {
    return write(() -> out.writeBytes(field, value.build()));
  }

  Pb int64(int field, long value) {
    return write(() -> out.writeInt64(field, value));
  }

  Pb bool(int field, boolean value) {
    return write(() -> out.writeBool(field, value));
  }

  /** A {@code spire.api.types.SPIFFEID} (trust_domain = 1, path = 2) from a {@code spiffe://} URI. */
  static Pb spiffeId(String uri) {
    String rest = uri.substring("spiffe://".length());
    int slash = rest.indexOf('/');
    return message().string(1, rest.substring(0, slash)).string(2, rest.substring(slash));
  }

  ByteString build() {
    return write(out::flush).bytesNow();
  }

  byte[] toByteArray() {
    return build().toByteArray();
  }

  private ByteString bytesNow() {
    return ByteString.copyFrom(bytes.toByteArray());
  }

  private Pb write(IoAction action) {
    try {
      action.run();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private interface IoAction {
    void run() throws IOException;
  }

  /** All length-delimited occurrences of {@code field} in {@code message}. */
  static List<ByteString> fields(ByteString message, int field) {
    List<ByteString> found = new ArrayList<>();
    try {
      CodedInputStream in = message.newCodedInput();
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == ((field << 3) | 2)) {
          found.add(in.readBytes());
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  /** The one length-delimited {@code field}, or an empty message when absent. */
  static ByteString field(ByteString message, int field) {
    List<ByteString> found = fields(message, field);
    return found.isEmpty() ? ByteString.EMPTY : found.getLast();
  }

  /** The varint {@code field}, 0 when absent. */
  static long varint(ByteString message, int field) {
    try {
      CodedInputStream in = message.newCodedInput();
      long value = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == (field << 3)) {
          value = in.readInt64();
        } else {
          in.skipField(tag);
        }
      }
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The {@code spire.api.types.Status} (code = 1, message = 2) at {@code field} of a batch result; throws
   * when it is not OK.
   */
  static void requireOkStatus(String call, ByteString result, int field) {
    ByteString status = field(result, field);
    long code = varint(status, 1);
    if (code != 0) {
      throw new AssertionError(call + " failed with code " + code + ": " + field(status, 2).toStringUtf8());
    }
  }
}
