package dev.signet.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SpireCliJsonTest {

  /** Go's encoding/json output for these float64 values (strconv 'f' from 1e-6 to 1e21, else 'e' cleaned up). */
  @ParameterizedTest
  @CsvSource({"1796556837, 1796556837", "1.5, 1.5", "0, 0", "-7, -7", "0.000001, 0.000001", "1e-7, 1e-7",
      "-2.5e-8, -2.5e-8", "1e21, 1e+21", "123456789012345678901234, 1.2345678901234569e+23", "1e20, 100000000000000000000",
      "3.0, 3"})
  void numbersAsGoWritesAFloat64(String value, String go) {
    assertThat(SpireCliJson.goNumber(new BigDecimal(value))).isEqualTo(go);
  }

  @Test
  void oneMessageIsAnObjectWithSortedKeysAndUnpopulatedFieldsOnOneLine() {
    X509SVIDResponse response = X509SVIDResponse.newBuilder()
        .addSvids(X509SVID.newBuilder().setSpiffeId("spiffe://example.org/w")).build();
    assertThat(SpireCliJson.print(response)).isEqualTo("{\"crl\":[],\"federated_bundles\":{},\"svids\":[{\"bundle\":\"\","
        + "\"hint\":\"\",\"spiffe_id\":\"spiffe://example.org/w\",\"x509_svid\":\"\",\"x509_svid_key\":\"\"}]}");
  }

  @Test
  void severalMessagesAreAnArrayAndNullsAreDropped() {
    Struct claims = Struct.newBuilder().putFields("exp", Value.newBuilder().setNumberValue(1.796556837E9).build())
        .putFields("aud", Value.newBuilder().setListValue(ListValue.newBuilder()
            .addValues(Value.newBuilder().setStringValue("x"))
            .addValues(Value.newBuilder().setNullValueValue(0))).build())
        .putFields("nothing", Value.newBuilder().setNullValueValue(0).build()).build();
    assertThat(SpireCliJson.print(claims, Struct.getDefaultInstance()))
        .isEqualTo("[{\"aud\":[\"x\"],\"exp\":1796556837},{}]");
  }
}
