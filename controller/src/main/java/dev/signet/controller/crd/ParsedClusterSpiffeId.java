package dev.signet.controller.crd;

import dev.signet.common.spiffe.TrustDomain;
import dev.signet.controller.config.GoDuration;
import dev.signet.controller.entry.LabelSelectors;
import dev.signet.controller.template.GoTemplate;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.time.Duration;
import java.util.List;

/** A checked {@link ClusterSpiffeIdSpec}: templates parsed, durations and trust domains validated. */
public record ParsedClusterSpiffeId(
    GoTemplate spiffeIdTemplate,
    LabelSelector podSelector,
    LabelSelector namespaceSelector,
    List<GoTemplate> workloadSelectorTemplates,
    List<GoTemplate> dnsNameTemplates,
    Duration ttl,
    Duration jwtTtl,
    List<String> federatesWith,
    boolean admin,
    boolean downstream,
    boolean autoPopulateDnsNames,
    boolean fallback,
    String hint) {

  public ParsedClusterSpiffeId {
    workloadSelectorTemplates = List.copyOf(workloadSelectorTemplates);
    dnsNameTemplates = List.copyOf(dnsNameTemplates);
    federatesWith = List.copyOf(federatesWith);
  }

  /** Checks a spec; throws {@link IllegalArgumentException} (or TemplateException) naming the bad field. */
  public static ParsedClusterSpiffeId parse(ClusterSpiffeIdSpec spec) {
    if (spec.spiffeIDTemplate() == null || spec.spiffeIDTemplate().isBlank()) {
      throw new IllegalArgumentException("spiffeIDTemplate is required");
    }
    LabelSelectors.check(spec.podSelector(), "podSelector");
    LabelSelectors.check(spec.namespaceSelector(), "namespaceSelector");
    for (String td : spec.federatesWith()) {
      TrustDomain.parse(td);
    }
    return new ParsedClusterSpiffeId(
        GoTemplate.parse(spec.spiffeIDTemplate()),
        spec.podSelector(),
        spec.namespaceSelector(),
        spec.workloadSelectorTemplates().stream().map(GoTemplate::parse).toList(),
        spec.dnsNameTemplates().stream().map(GoTemplate::parse).toList(),
        duration(spec.ttl(), "ttl"),
        duration(spec.jwtTtl(), "jwtTtl"),
        spec.federatesWith(),
        spec.admin(),
        spec.downstream(),
        spec.autoPopulateDNSNames(),
        spec.fallback(),
        spec.hint());
  }

  static Duration duration(String text, String field) {
    if (text == null || text.isEmpty()) {
      return Duration.ZERO;
    }
    try {
      return GoDuration.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }
}
