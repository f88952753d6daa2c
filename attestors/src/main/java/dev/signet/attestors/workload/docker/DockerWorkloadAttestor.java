package dev.signet.attestors.workload.docker;

import dev.signet.attestors.workload.WorkloadAttestorDependencies;
import dev.signet.common.plugin.BuiltIn;
import dev.signet.common.plugin.PluginDescriptor;
import com.fasterxml.jackson.databind.JsonNode;
import dev.signet.attestors.workload.ProcFs;
import dev.signet.attestors.workload.WorkloadAttestationException;
import dev.signet.attestors.workload.WorkloadAttestationException.Kind;
import dev.signet.attestors.workload.WorkloadAttestor;
import dev.signet.attestors.workload.container.ContainerLocator;
import dev.signet.common.spiffe.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code WorkloadAttestor "docker"}: the container of the calling process (from its cgroups) inspected
 * through the Docker Engine API. Selectors, as SPIRE's: {@code docker:label:<key>:<value>} for every
 * label, {@code docker:image_id:<Config.Image>}, {@code docker:env:<NAME>=<value>} for the variables in
 * {@code env_allowlist}; and {@code docker:container_name:<name>}. A process outside any container gets
 * no selectors from this attestor; a container the daemon does not know is refused.
 */
public final class DockerWorkloadAttestor implements WorkloadAttestor {
  /** SPIRE's plugin name. */
  public static final String NAME = "docker";
  /** The built-in as its catalog knows it; see {@link DockerAttestorConfig}. */
  public static final PluginDescriptor<?, WorkloadAttestorDependencies, WorkloadAttestor> DESCRIPTOR =
      new BuiltIn<DockerAttestorConfig, WorkloadAttestorDependencies, WorkloadAttestor>(NAME,
          (data, core) -> DockerAttestorConfig.from(data),
          (config, deps) -> new DockerWorkloadAttestor(config, deps.proc()));

  private final DockerAttestorConfig config;
  private final ProcFs proc;
  private final ContainerLocator locator;
  private final DockerEngineClient docker;

  public DockerWorkloadAttestor(DockerAttestorConfig config, ProcFs proc) {
    this.config = config;
    this.proc = proc;
    this.locator = new ContainerLocator(config.cgroupMatchers());
    this.docker = new DockerEngineClient(new UnixHttpClient(config.socket(), config.timeout()), config.apiVersion());
  }

  @Override
  public String name() {
    return NAME;
  }

  /** It calls the Docker daemon. */
  @Override
  public boolean mayBlock() {
    return true;
  }

  @Override
  public List<Selector> attest(int pid) throws WorkloadAttestationException {
    Optional<String> containerId = locator.containerId(pid, proc.cgroups(pid));
    if (containerId.isEmpty()) {
      return List.of();
    }
    JsonNode container = docker.inspect(containerId.get()).orElseThrow(() -> new WorkloadAttestationException(
        Kind.REFUSED, "process " + pid + " runs in container " + containerId.get()
            + ", which the docker daemon does not know"));
    return selectors(container);
  }

  private List<Selector> selectors(JsonNode container) {
    List<Selector> selectors = new ArrayList<>();
    JsonNode containerConfig = container.path("Config");
    for (Map.Entry<String, JsonNode> label : containerConfig.path("Labels").properties()) {
      selectors.add(new Selector(NAME, "label:" + label.getKey() + ":" + label.getValue().asText()));
    }
    String image = containerConfig.path("Image").asText("");
    if (!image.isEmpty()) {
      selectors.add(new Selector(NAME, "image_id:" + image));
    }
    for (JsonNode variable : containerConfig.path("Env")) {
      String assignment = variable.asText("");
      int equals = assignment.indexOf('=');
      if (equals > 0 && config.envAllowlist().contains(assignment.substring(0, equals))) {
        selectors.add(new Selector(NAME, "env:" + assignment));
      }
    }
    String name = container.path("Name").asText("");
    if (!name.isEmpty()) {
      selectors.add(new Selector(NAME, "container_name:" + (name.startsWith("/") ? name.substring(1) : name)));
    }
    return selectors;
  }
}
