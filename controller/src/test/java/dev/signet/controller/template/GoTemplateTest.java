package dev.signet.controller.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.signet.controller.Fixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

class GoTemplateTest {
  private static final JsonNode DATA = TemplateData.of("example.org", "demo", "cluster.local",
      Fixtures.pod("shop", "web-1", "pod-uid-1", "node-a", Map.of("app", "web", "tier", "front")),
      Fixtures.node("node-a", "node-uid-a"));

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }} | spiffe://example.org/ns/shop/sa/web-1-sa
      {{.PodMeta.Name}}.{{.PodMeta.Namespace}}.svc.{{.ClusterDomain}}                                 | web-1.shop.svc.cluster.local
      k8s:pod-uid:{{ .PodMeta.UID }}                                                                     | k8s:pod-uid:pod-uid-1
      {{ .ClusterName }}/{{ .NodeMeta.Name }}/{{ .NodeMeta.UID }}                                        | demo/node-a/node-uid-a
      {{ .NodeSpec.ProviderID }}                                                                         | aws:///eu-west-1a/i-0123
      app={{ index .PodMeta.Labels "app" }}                                                              | app=web
      app={{ .PodMeta.Labels.app }}                                                                      | app=web
      zone={{ index .NodeMeta.Labels "zone" }}                                                           | zone=z1
      missing=[{{ index .PodMeta.Labels "nope" }}]                                                       | missing=[]
      a {{- " " -}} b                                                                                    | UNSUPPORTED
      x {{- .PodMeta.Name -}} y                                                                          | xweb-1y
      no actions at all                                                                                  | no actions at all
      """)
  void rendersSpireControllerManagerTemplates(String template, String expected) {
    if (expected.equals("UNSUPPORTED")) {
      assertThatThrownBy(() -> GoTemplate.parse(template)).isInstanceOf(TemplateException.class)
          .hasMessageContaining("unsupported action");
      return;
    }
    assertThat(GoTemplate.parse(template).render(DATA)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', textBlock = """
      {{ .PodMeta.Name | printf "%s" }} ; unsupported action
      {{ if .PodMeta.Name }}x{{ end }}  ; unsupported action
      {{ .PodMeta.Name                  ; unclosed action
      {{ index .PodMeta.Labels app }}   ; unsupported action
      {{ .Pod..Name }}                  ; not a field path
      """)
  void refusesWhatItDoesNotImplement(String template, String problem) {
    assertThatThrownBy(() -> GoTemplate.parse(template)).isInstanceOf(TemplateException.class)
        .hasMessageContaining(problem).hasMessageContaining(template.strip());
  }

  @Test
  void aMapIsNotAValue() {
    assertThatThrownBy(() -> GoTemplate.parse("{{ .PodMeta.Labels }}").render(DATA))
        .isInstanceOf(TemplateException.class).hasMessageContaining(".PodMeta.Labels is not a single value");
  }

  @Test
  void labelKeysAreCaseSensitiveWhileFieldNamesAreNot() {
    assertThat(GoTemplate.parse("[{{ .PodMeta.Labels.APP }}]").render(DATA)).isEqualTo("[]");
    assertThat(GoTemplate.parse("{{ .PodMeta.uid }}").render(DATA)).isEqualTo("pod-uid-1");
  }
}
