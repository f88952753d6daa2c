package dev.signet.controller.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControllerConfigLoaderTest {
  @Test
  void readsASpireControllerManagerConfigMapUnchanged() {
    ControllerConfig config = ControllerConfigLoader.parse("""
        apiVersion: spire.spiffe.io/v1alpha1
        kind: ControllerManagerConfig
        metrics:
          bindAddress: 127.0.0.1:8082
        healthProbe:
          bindAddress: 127.0.0.1:8083
        leaderElection:
          leaderElect: true
          resourceName: 98c9c988.spiffe.io
          resourceNamespace: spire
        clusterName: demo-cluster
        trustDomain: example.org
        ignoreNamespaces:
          - kube-system
          - kube-public
          - spire
          - local-path-storage
        spireServerSocketPath: /run/spire/server-sockets/api.sock
        className: signet
        watchClassless: true
        gcInterval: 1m30s
        """);
    assertThat(config.trustDomain().name()).isEqualTo("example.org");
    assertThat(config.clusterName()).isEqualTo("demo-cluster");
    assertThat(config.serverSocketPath()).isEqualTo(Path.of("/run/spire/server-sockets/api.sock"));
    assertThat(config.gcInterval()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.ignoresNamespace("spire")).isTrue();
    assertThat(config.ignoresNamespace("spire-extra")).isFalse();
    assertThat(config.entryIdPrefix()).isEqualTo("demo-cluster.");
    assertThat(config.handlesClass("signet")).isTrue();
    assertThat(config.handlesClass("")).isTrue();
    assertThat(config.handlesClass("other")).isFalse();
    assertThat(config.reconcileClusterSpiffeIds()).isTrue();
  }

  @Test
  void defaultsAreSpireControllerManagers() {
    ControllerConfig config = ControllerConfigLoader.parse("trustDomain: example.org\nclusterName: c1\n");
    assertThat(config.serverSocketPath()).isEqualTo(Path.of("/spire-server/api.sock"));
    assertThat(config.gcInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.ignoresNamespace("kube-system")).isTrue();
    assertThat(config.ignoresNamespace("kube-public")).isTrue();
    assertThat(config.ignoresNamespace("spire-system")).isTrue();
    assertThat(config.ignoresNamespace("default")).isFalse();
    assertThat(config.clusterDomain()).isEqualTo("cluster.local");
    assertThat(config.handlesClass("")).isTrue();
    assertThat(config.handlesClass("someone-else")).isFalse();
  }

  @Test
  void anExplicitEntryIdPrefixIsKept() {
    assertThat(ControllerConfigLoader.parse("trustDomain: example.org\nclusterName: c1\nentryIDPrefix: k8s-\n")
        .entryIdPrefix()).isEqualTo("k8s-");
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', textBlock = """
      clusterName: c1                                                        | trustDomain is required
      trustDomain: example.org                                               | clusterName is required
      trustDomain: example.org\\nclusterName: c1\\nbogus: 1                  | unknown configuration key "bogus"
      trustDomain: example.org\\nclusterName: c1\\nstaticManifestPath: /x    | staticManifestPath is not supported
      trustDomain: example.org\\nclusterName: c1\\ngcInterval: soon          | duration "soon" is not a Go duration
      trustDomain: example.org\\nclusterName: c1\\nwatchClassless: "yes"     | watchClassless must be true or false
      trustDomain: example.org\\nclusterName: c1\\nignoreNamespaces: ["("]   | is not a regular expression
      trustDomain: example.org\\nclusterName: c1\\nreconcile: {pods: true}   | unknown configuration key "reconcile.pods"
      """)
  void refusesBadConfigurations(String yaml, String problem) {
    assertThatThrownBy(() -> ControllerConfigLoader.parse(yaml.replace("\\n", "\n")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"10s,10000", "1h30m,5400000", "500ms,500", "0,0", "1.5s,1500", "2m,120000"})
  void goDurations(String text, long millis) {
    assertThat(GoDuration.parse(text).toMillis()).isEqualTo(millis);
  }
}
