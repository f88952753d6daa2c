package dev.signet.agent.workload;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import java.util.Collection;
import java.util.Map;

/** Converts JWT claims (JSON values as nimbus hands them out) into a {@code google.protobuf.Struct}. */
final class ClaimsStruct {
  private ClaimsStruct() {}

  static Struct of(Map<String, Object> claims) {
    Struct.Builder struct = Struct.newBuilder();
    claims.forEach((name, value) -> struct.putFields(name, value(value)));
    return struct.build();
  }

  private static Value value(Object value) {
    return switch (value) {
      case null -> Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
      case String s -> Value.newBuilder().setStringValue(s).build();
      case Boolean b -> Value.newBuilder().setBoolValue(b).build();
      case Number n -> Value.newBuilder().setNumberValue(n.doubleValue()).build();
      case Map<?, ?> map -> {
        Struct.Builder nested = Struct.newBuilder();
        map.forEach((k, v) -> nested.putFields(String.valueOf(k), value(v)));
        yield Value.newBuilder().setStructValue(nested).build();
      }
      case Collection<?> list -> {
        ListValue.Builder values = ListValue.newBuilder();
        list.forEach(v -> values.addValues(value(v)));
        yield Value.newBuilder().setListValue(values).build();
      }
      default -> Value.newBuilder().setStringValue(value.toString()).build();
    };
  }
}
