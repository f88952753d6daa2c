package dev.signet.controller.k8s;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A Kubernetes API server for tests: fabric8's mock server in CRUD mode (objects are stored, listed and watched as a
 * real API server would), on loopback, aware of the three spire.spiffe.io cluster-scoped resources with a status
 * subresource. {@link #writeKubeconfig} lets another process (the controller under test) reach it.
 */
public final class MockCluster implements AutoCloseable {
  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public MockCluster() {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    for (ResourceDefinitionContext kind : new ResourceDefinitionContext[] {SpireResources.CLUSTER_SPIFFE_ID,
        SpireResources.CLUSTER_STATIC_ENTRY, SpireResources.CLUSTER_FEDERATED_TRUST_DOMAIN}) {
      server.expectCustomResource(new CustomResourceDefinitionContext.Builder().withGroup(kind.getGroup())
          .withVersion(kind.getVersion()).withKind(kind.getKind()).withPlural(kind.getPlural()).withScope("Cluster")
          .withStatusSubresource(true).build());
    }
    client = server.createClient();
  }

  /** A client of this server (closed with it). */
  public KubernetesClient client() {
    return client;
  }

  /** The API server's URL. */
  public String url() {
    return client.getMasterUrl().toString();
  }

  /** Creates a spire.spiffe.io resource with this spec. */
  public GenericKubernetesResource create(ResourceDefinitionContext kind, String name, Map<String, Object> spec) {
    GenericKubernetesResource resource = new GenericKubernetesResourceBuilder()
        .withApiVersion(kind.getGroup() + "/" + kind.getVersion()).withKind(kind.getKind())
        .withNewMetadata().withName(name).endMetadata().build();
    resource.setAdditionalProperty("spec", spec);
    return client.genericKubernetesResources(kind).resource(resource).create();
  }

  /** Writes a kubeconfig (plain HTTP, no credentials) pointing at this server. */
  public Path writeKubeconfig(Path file) throws IOException {
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: mock
          cluster:
            server: %s
        contexts:
        - name: mock
          context:
            cluster: mock
            user: mock
        current-context: mock
        users:
        - name: mock
          user: {}
        """.formatted(url()));
    return file;
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
