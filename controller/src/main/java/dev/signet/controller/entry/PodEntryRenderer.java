package dev.signet.controller.entry;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.Selector;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.controller.config.ControllerConfig;
import dev.signet.controller.crd.ParsedClusterSpiffeId;
import dev.signet.controller.template.GoTemplate;
import dev.signet.controller.template.TemplateData;
import dev.signet.proto.spire.api.types.Entry;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * Renders the registration entry a {@code ClusterSPIFFEID} declares for one pod, as spire-controller-manager does:
 * parent {@code spiffe://<td>/spire/agent/k8s_psat/<clusterName>/<nodeUID>} (the agent on the pod's node), selector
 * {@code k8s:pod-uid:<uid>} plus the rendered {@code workloadSelectorTemplates}, the rendered SPIFFE ID (which must
 * be in the controller's trust domain), DNS names from {@code dnsNameTemplates} and, with
 * {@code autoPopulateDNSNames}, the names of the services whose endpoints point at the pod.
 */
public final class PodEntryRenderer {
  private final ControllerConfig config;

  public PodEntryRenderer(ControllerConfig config) {
    this.config = config;
  }

  /** The entry for {@code pod} on {@code node}; throws {@link IllegalArgumentException} or TemplateException. */
  public Entry render(ParsedClusterSpiffeId spec, Pod pod, Node node, List<Endpoints> endpoints) {
    JsonNode data = TemplateData.of(config.trustDomain().name(), config.clusterName(), config.clusterDomain(), pod,
        node);
    String renderedId = spec.spiffeIdTemplate().render(data);
    SpiffeId spiffeId;
    try {
      spiffeId = SpiffeId.parse(renderedId);
    } catch (InvalidSpiffeIdException e) {
      throw new IllegalArgumentException("invalid spiffe id rendered: " + e.getMessage(), e);
    }
    if (!spiffeId.trustDomain().equals(config.trustDomain())) {
      throw new IllegalArgumentException("rendered spiffe id \"" + renderedId + "\" is not in trust domain \""
          + config.trustDomain().name() + "\"");
    }
    SpiffeId parentId = parentId(node);
    List<Selector> selectors = new ArrayList<>();
    selectors.add(new Selector("k8s", "pod-uid:" + pod.getMetadata().getUid()));
    for (GoTemplate template : spec.workloadSelectorTemplates()) {
      String rendered = template.render(data);
      try {
        selectors.add(Selector.parse(rendered));
      } catch (InvalidSpiffeIdException e) {
        throw new IllegalArgumentException("invalid workload selector \"" + rendered + "\": " + e.getMessage(), e);
      }
    }
    Set<String> dnsNames = new LinkedHashSet<>();
    for (GoTemplate template : spec.dnsNameTemplates()) {
      dnsNames.add(template.render(data));
    }
    if (spec.autoPopulateDnsNames()) {
      dnsNames.addAll(serviceNames(pod, endpoints));
    }
    return Entry.newBuilder()
        .setSpiffeId(Entries.spiffeId(spiffeId))
        .setParentId(Entries.spiffeId(parentId))
        .addAllSelectors(Entries.selectors(selectors))
        .setX509SvidTtl(seconds(spec.ttl()))
        .setJwtSvidTtl(seconds(spec.jwtTtl()))
        .addAllFederatesWith(spec.federatesWith())
        .setAdmin(spec.admin())
        .setDownstream(spec.downstream())
        .addAllDnsNames(dnsNames)
        .setHint(spec.hint())
        .build();
  }

  /** The agent's SPIFFE ID on {@code node}: k8s_psat's {@code /spire/agent/k8s_psat/<cluster>/<node uid>}. */
  public SpiffeId parentId(Node node) {
    return new SpiffeId(config.trustDomain(),
        "/spire/agent/k8s_psat/" + config.clusterName() + "/" + node.getMetadata().getUid());
  }

  private List<String> serviceNames(Pod pod, List<Endpoints> endpoints) {
    String uid = pod.getMetadata().getUid();
    TreeSet<String> names = new TreeSet<>();
    for (Endpoints endpoint : endpoints) {
      if (!pod.getMetadata().getNamespace().equals(endpoint.getMetadata().getNamespace()) || !targets(endpoint, uid)) {
        continue;
      }
      String name = endpoint.getMetadata().getName();
      String namespace = endpoint.getMetadata().getNamespace();
      names.add(name);
      names.add(name + "." + namespace);
      names.add(name + "." + namespace + ".svc");
      if (!config.clusterDomain().isEmpty()) {
        names.add(name + "." + namespace + ".svc." + config.clusterDomain());
      }
    }
    return List.copyOf(names);
  }

  private static boolean targets(Endpoints endpoint, String podUid) {
    if (endpoint.getSubsets() == null) {
      return false;
    }
    for (EndpointSubset subset : endpoint.getSubsets()) {
      for (List<EndpointAddress> addresses : List.of(nullSafe(subset.getAddresses()),
          nullSafe(subset.getNotReadyAddresses()))) {
        for (EndpointAddress address : addresses) {
          if (address.getTargetRef() != null && podUid.equals(address.getTargetRef().getUid())) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static List<EndpointAddress> nullSafe(List<EndpointAddress> list) {
    return list == null ? List.of() : list;
  }

  private static int seconds(java.time.Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toSeconds());
  }
}
