package dev.signet.proto;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.FileDescriptor;
import dev.signet.proto.facts.WireFacts;
import io.grpc.ServiceDescriptor;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our generated descriptors against the facts of the upstream .proto files (made by {@code tools/wire-facts}
 * from spire-api-sdk v1.15.2 and go-spiffe v2.9.0's workload.proto): every message, field number, type,
 * label, oneof, enum value, service and RPC must be the same, and nothing may be added to SPIRE's packages
 * (our own extensions live under {@code signet.*}). A drift fails the build with the lines that differ.
 */
class UpstreamWireFactsTest {

  @Test
  void spireApiIsSpireApiSdkV1152FieldForField() throws IOException {
    // every service we serve or call; the facts keep SPIRE's packages (the Workload API is checked below)
    List<String> ours = WireFacts.of(files(WireContractTest.spireServices().values()
        .toArray(ServiceDescriptor[]::new)), "spire.");

    assertSameFacts(ours, upstream("spire-api-sdk-v1.15.2.facts"));
  }

  @Test
  void workloadApiIsGoSpiffesWorkloadProto() throws IOException {
    List<String> ours = WireFacts.of(files(
        dev.signet.proto.workload.SpiffeWorkloadAPIGrpc.getServiceDescriptor()), "");

    assertSameFacts(ours, upstream("go-spiffe-v2.9.0-workload.facts"));
  }

  @Test
  void aFieldRenumberedInOurDescriptorsIsCaught() throws IOException {
    List<FileDescriptorProto> ours = files(
        dev.signet.proto.spire.api.agent.delegatedidentity.v1.DelegatedIdentityGrpc.getServiceDescriptor());
    List<FileDescriptorProto> drifted = ours.stream().map(file -> {
      FileDescriptorProto.Builder builder = file.toBuilder();
      builder.getMessageTypeBuilderList().stream()
          .filter(m -> m.getName().equals("SubscribeToX509SVIDsRequest"))
          .flatMap(m -> m.getFieldBuilderList().stream())
          .filter(f -> f.getName().equals("pid"))
          .forEach(f -> f.setNumber(3)); // the number Signet had before: a real delegate's pid was misread
      return builder.build();
    }).toList();
    List<String> upstream = upstream("spire-api-sdk-v1.15.2.facts");

    assertThat(WireFacts.of(ours, "spire.")).isSubsetOf(upstream);
    assertThat(WireFacts.of(drifted, "spire.")).filteredOn(fact -> !upstream.contains(fact)).containsExactly("field spire.api.agent.delegatedidentity.v1.SubscribeToX509SVIDsRequest.pid = 3 LABEL_OPTIONAL "
            + "TYPE_INT32");
  }

  private static void assertSameFacts(List<String> ours, List<String> upstream) {
    assertThat(ours).as("facts upstream has and we lack").containsAll(upstream);
    assertThat(upstream).as("facts we have and upstream lacks").containsAll(ours);
    assertThat(ours).hasSize(upstream.size());
  }

  /** The .proto files of {@code services} and every file they import, once each. */
  private static List<FileDescriptorProto> files(ServiceDescriptor... services) {
    Map<String, FileDescriptor> files = new LinkedHashMap<>();
    Deque<FileDescriptor> todo = new ArrayDeque<>();
    for (ServiceDescriptor service : services) {
      todo.add(((ProtoFileDescriptorSupplier) service.getSchemaDescriptor()).getFileDescriptor());
    }
    while (!todo.isEmpty()) {
      FileDescriptor file = todo.pop();
      if (files.putIfAbsent(file.getName(), file) == null) {
        todo.addAll(file.getDependencies());
      }
    }
    return files.values().stream().map(FileDescriptor::toProto).toList();
  }

  private static List<String> upstream(String name) throws IOException {
    try (InputStream in = UpstreamWireFactsTest.class.getResourceAsStream("/wire-facts/" + name)) {
      assertThat(in).as("resource wire-facts/" + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(line -> !line.isBlank() && !line.startsWith("#")).toList();
    }
  }
}
