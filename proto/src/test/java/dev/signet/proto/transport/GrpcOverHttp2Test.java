package dev.signet.proto.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The gRPC-over-HTTP/2 rules the one-shot channel applies. */
class GrpcOverHttp2Test {
  @ParameterizedTest
  @CsvSource({
      "0, 0n",
      "99999999, 99999999n",
      "100000000, 100000u",
      "100000001, 100001u",
      "30000000000, 30000000u",
      "300000000000, 300000m",
      "864000000000000, 864000S",
  })
  void timeoutUsesTheFinestUnitThatFitsEightDigitsRoundingUp(long nanos, String header) {
    assertThat(GrpcOverHttp2.timeout(nanos)).isEqualTo(header);
  }

  @Test
  void aVeryLongTimeoutStaysWithinEightDigits() {
    assertThat(GrpcOverHttp2.timeout(Long.MAX_VALUE)).matches("\\d{1,8}[numSMH]");
    assertThat(GrpcOverHttp2.timeout(TimeUnit.DAYS.toNanos(3650))).isEqualTo("5256000M");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "plain text|plain text",
      "100%25 done|100% done",
      "caf%C3%A9|café",
      "a%0Ab|a\\nb",
      "bad %zz escape|bad %zz escape",
      "trailing %4|trailing %4",
  })
  void grpcMessageIsPercentDecodedUtf8(String wire, String text) {
    assertThat(GrpcOverHttp2.decodeMessage(wire)).isEqualTo(text.replace("\\n", "\n"));
  }

  @Test
  void messagesSplitOnTheirPrefixes() {
    byte[] body = ByteBuffer.allocate(5 + 3 + 5).put(GrpcOverHttp2.frame(new byte[] {1, 2, 3}))
        .put(GrpcOverHttp2.frame(new byte[0])).array();

    assertThat(GrpcOverHttp2.messages(body, 10)).satisfiesExactly(
        m -> assertThat(m).containsExactly(1, 2, 3), m -> assertThat(m).isEmpty());
  }

  @Test
  void aTruncatedACompressedOrAnOversizedMessageIsRefused() {
    assertCode(new byte[] {0, 0, 0}, Status.Code.INTERNAL);
    assertCode(new byte[] {0, 0, 0, 0, 9, 1}, Status.Code.INTERNAL);
    assertCode(new byte[] {1, 0, 0, 0, 1, 7}, Status.Code.INTERNAL);
    assertCode(new byte[] {0, 0, 0, 0, 11, 1}, Status.Code.RESOURCE_EXHAUSTED);
    assertCode(new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}, Status.Code.RESOURCE_EXHAUSTED);
  }

  @ParameterizedTest
  @CsvSource({"400, INTERNAL", "401, UNAUTHENTICATED", "403, PERMISSION_DENIED", "404, UNIMPLEMENTED",
      "429, UNAVAILABLE", "502, UNAVAILABLE", "503, UNAVAILABLE", "504, UNAVAILABLE", "500, UNKNOWN"})
  void httpStatusesMapAsGrpcSpecifies(int http, Status.Code code) {
    assertThat(GrpcOverHttp2.fromHttpStatus(http).getCode()).isEqualTo(code);
  }

  @ParameterizedTest
  @CsvSource({"0, INTERNAL", "2, INTERNAL", "7, UNAVAILABLE", "8, CANCELLED", "11, RESOURCE_EXHAUSTED",
      "12, PERMISSION_DENIED"})
  void resetCodesMapAsGrpcSpecifies(long http2Code, Status.Code code) {
    assertThat(GrpcOverHttp2.fromResetCode(http2Code).getCode()).isEqualTo(code);
  }

  private static void assertCode(byte[] body, Status.Code code) {
    assertThatThrownBy(() -> GrpcOverHttp2.messages(body, 10)).isInstanceOfSatisfying(StatusRuntimeException.class,
        e -> assertThat(e.getStatus().getCode()).isEqualTo(code));
  }
}
