package dev.signet.attestors.node;

import dev.signet.attestors.node.awsiid.AwsIidNodeAttestor;
import dev.signet.attestors.node.jointoken.JoinTokenNodeAttestor;
import dev.signet.attestors.node.k8s.PsatNodeAttestor;
import dev.signet.attestors.node.k8s.SatNodeAttestor;
import dev.signet.attestors.node.tpm.TpmNodeAttestor;
import dev.signet.attestors.node.x509pop.X509PopNodeAttestor;
import dev.signet.common.plugin.Cardinality;
import dev.signet.common.plugin.PluginCatalog;
import java.util.List;

/**
 * The server's {@code NodeAttestor} catalog: the server halves built into signet, keyed by SPIRE's names. One or
 * more may be configured, each at most once.
 */
public final class ServerNodeAttestors {
  /** The plugin type as spelled in {@code server.conf}. */
  public static final String TYPE = "NodeAttestor";
  /** The catalog. */
  public static final PluginCatalog<NodeAttestorDependencies, NodeAttestor> CATALOG = new PluginCatalog<>(TYPE,
      Cardinality.AT_LEAST_ONE, List.of(JoinTokenNodeAttestor.DESCRIPTOR, X509PopNodeAttestor.DESCRIPTOR,
          PsatNodeAttestor.DESCRIPTOR, SatNodeAttestor.DESCRIPTOR, AwsIidNodeAttestor.DESCRIPTOR,
          TpmNodeAttestor.DESCRIPTOR));

  private ServerNodeAttestors() {}
}
