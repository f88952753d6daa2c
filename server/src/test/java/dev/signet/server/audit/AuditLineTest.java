package dev.signet.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A keyed line is the compact JSON of its fields as Jackson's mapper writes it, then its MAC. */
class AuditLineTest {
  private final AuditKey key = AuditKey.of(new byte[32]);

  private static Map<String, Object> record(Object seq, String reason) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("seq", seq);
    fields.put("time", "2030-01-01T00:00:00Z");
    fields.put("actor", "uid:0 \"root\" via /run/signet\\api.sock");
    fields.put("action", "spire.api.server.svid.v1.SVID/MintX509SVID");
    fields.put("outcome", "INVALID_ARGUMENT");
    fields.put("reason", reason);
    fields.put("request_id", "");
    fields.put("key", "k1");
    fields.put("prev_hash", AuditLine.GENESIS);
    return fields;
  }

  @Test
  void theBodyIsByteForByteWhatTheMapperWrites() throws Exception {
    String awkward = "line\nbreak, tab\t, nul \u0000, bell \u0007, quote \", backslash \\, slash /, é, 日本, 😀, "
        + "lone surrogate-free \u2028 separator";
    for (Object seq : new Object[] {1L, 7, Long.MAX_VALUE}) {
      Map<String, Object> fields = record(seq, awkward);
      byte[] line = AuditLine.keyed(fields, key);
      byte[] mapper = new ObjectMapper().writeValueAsBytes(fields);
      int body = mapper.length - 1; // the mapper's object without its closing brace
      assertThat(Arrays.copyOf(line, body)).isEqualTo(Arrays.copyOf(mapper, body));
      assertThat(new String(line, body, line.length - body, StandardCharsets.US_ASCII))
          .matches(",\"hash\":\"[0-9a-f]{64}\"}\n");
      assertThat(AuditLine.checkMac(line, 0, line.length - 1, key)).isNull();
      assertThat(AuditLine.parse(line, 0, line.length - 1).path("reason").asText()).isEqualTo(awkward);
    }
  }

  @Test
  void aFieldThatIsNeitherTextNorAWholeNumberIsRefusedNotWrittenSomehow() {
    Map<String, Object> fields = record(1L, "r");
    fields.put("reason", 1.5);
    assertThatThrownBy(() -> AuditLine.keyed(fields, key)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("reason");
  }

  @Test
  void aChangedByteBreaksTheMac() {
    byte[] line = AuditLine.keyed(record(3L, "ok"), key);
    line[20] ^= 1;
    assertThat(AuditLine.checkMac(line, 0, line.length - 1, key)).contains("HMAC does not match");
  }
}
