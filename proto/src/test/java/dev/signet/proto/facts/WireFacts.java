package dev.signet.proto.facts;

import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.DescriptorProtos.MethodDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The wire facts of .proto files, one line each, sorted: every message, field (number, type, label, oneof,
 * explicit presence), enum value, service and RPC (request, response, streaming), by full name. What does
 * not reach the wire (options such as {@code java_package}, comments, field order in the file) is left out,
 * so two sets of files that give the same lines are interchangeable on the wire.
 *
 * <p>{@code main} prints the facts of a {@code protoc --descriptor_set_out} file; {@code tools/wire-facts}
 * uses it to make {@code spire-api-sdk-v1.15.2.facts} from the upstream .proto files.
 */
public final class WireFacts {
  private WireFacts() {}

  /**
   * The facts of {@code files} whose package starts with {@code packagePrefix} (empty: all), leaving out
   * protobuf's own well-known types.
   */
  public static List<String> of(Collection<FileDescriptorProto> files, String packagePrefix) {
    TreeSet<String> facts = new TreeSet<>();
    for (FileDescriptorProto file : files) {
      if (!file.getPackage().startsWith(packagePrefix) || file.getPackage().startsWith("google.protobuf")) {
        continue;
      }
      String prefix = file.getPackage().isEmpty() ? "" : file.getPackage() + ".";
      facts.add("file " + file.getName() + " package " + file.getPackage());
      file.getMessageTypeList().forEach(m -> message(facts, prefix, m));
      file.getEnumTypeList().forEach(e -> enumeration(facts, prefix, e));
      for (ServiceDescriptorProto service : file.getServiceList()) {
        String name = prefix + service.getName();
        facts.add("service " + name);
        for (MethodDescriptorProto rpc : service.getMethodList()) {
          facts.add("rpc " + name + "." + rpc.getName() + "(" + (rpc.getClientStreaming() ? "stream " : "")
              + rpc.getInputType() + ") returns (" + (rpc.getServerStreaming() ? "stream " : "")
              + rpc.getOutputType() + ")");
        }
      }
    }
    return List.copyOf(facts);
  }

  private static void message(TreeSet<String> facts, String prefix, DescriptorProto message) {
    String name = prefix + message.getName();
    facts.add("message " + name);
    for (FieldDescriptorProto field : message.getFieldList()) {
      String type = field.hasTypeName() ? field.getTypeName() : field.getType().name();
      String oneof = field.hasOneofIndex() && !field.getProto3Optional()
          ? " oneof " + message.getOneofDecl(field.getOneofIndex()).getName() : "";
      facts.add("field " + name + "." + field.getName() + " = " + field.getNumber() + " " + field.getLabel().name()
          + " " + type + oneof + (field.getProto3Optional() ? " optional" : "")
          + (field.hasJsonName() && !field.getJsonName().equals(defaultJsonName(field.getName()))
              ? " json " + field.getJsonName() : ""));
    }
    message.getNestedTypeList().forEach(m -> message(facts, name + ".", m));
    message.getEnumTypeList().forEach(e -> enumeration(facts, name + ".", e));
  }

  private static void enumeration(TreeSet<String> facts, String prefix, EnumDescriptorProto enumeration) {
    String name = prefix + enumeration.getName();
    facts.add("enum " + name);
    for (EnumValueDescriptorProto value : enumeration.getValueList()) {
      facts.add("enumvalue " + name + "." + value.getName() + " = " + value.getNumber());
    }
  }

  private static String defaultJsonName(String fieldName) {
    StringBuilder json = new StringBuilder();
    boolean upper = false;
    for (char c : fieldName.toCharArray()) {
      if (c == '_') {
        upper = true;
      } else {
        json.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return json.toString();
  }

  /** Prints the facts of the descriptor set {@code args[0]} for packages starting with {@code args[1]}. */
  public static void main(String[] args) throws IOException {
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      of(FileDescriptorSet.parseFrom(in).getFileList(), args[1]).forEach(System.out::println);
    }
  }
}
