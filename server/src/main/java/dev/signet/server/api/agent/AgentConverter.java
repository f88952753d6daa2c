package dev.signet.server.api.agent;

import dev.signet.datastore.AttestedNode;
import dev.signet.proto.spire.api.types.Agent;
import dev.signet.server.api.convert.EntryConverter;

/** Converts attested nodes to the API's {@code spire.api.types.Agent}. */
final class AgentConverter {
  private AgentConverter() {}

  static Agent toProto(AttestedNode node) {
    Agent.Builder builder = Agent.newBuilder()
        .setId(EntryConverter.toProto(node.spiffeId()))
        .setAttestationType(node.attestationDataType())
        .setX509SvidSerialNumber(node.certSerialNumber() == null ? "" : node.certSerialNumber())
        .setX509SvidExpiresAt(node.certNotAfter() == null ? 0 : node.certNotAfter().getEpochSecond())
        .setBanned(node.banned())
        .setCanReattest(node.canReattest())
        .setAgentVersion(node.agentVersion());
    node.selectors().forEach(s -> builder.addSelectors(EntryConverter.toProto(s)));
    return builder.build();
  }
}
