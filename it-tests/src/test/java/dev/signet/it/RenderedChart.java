package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.signet.common.config.ConfigSection;
import dev.signet.common.config.HclDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifests {@code helm template} printed for the Signet chart, parsed, with look-ups by kind and name
 * and the HCL files its ConfigMaps carry.
 *
 * @param yaml the rendered manifests as helm printed them
 * @param objects every Kubernetes object of the output, in order
 */
record RenderedChart(String yaml, List<JsonNode> objects) {
  RenderedChart {
    if (objects.isEmpty()) {
      throw new IllegalArgumentException("helm rendered no object");
    }
    objects = List.copyOf(objects);
  }

  static RenderedChart parse(String yaml) {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        if (document != null && !document.isNull() && !document.isEmpty()) {
          objects.add(document);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm printed manifests that are not YAML", e);
    }
    return new RenderedChart(yaml, objects);
  }

  /** The kinds of all objects, in order. */
  List<String> kinds() {
    return objects.stream().map(o -> o.path("kind").asText()).toList();
  }

  /** The one object of {@code kind} whose name ends with {@code nameSuffix}. */
  JsonNode one(String kind, String nameSuffix) {
    List<JsonNode> found = objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.path("metadata").path("name").asText().endsWith(nameSuffix))
        .toList();
    if (found.size() != 1) {
      throw new AssertionError("expected one " + kind + " named *" + nameSuffix + ", found " + found.size()
          + " in:\n" + yaml);
    }
    return found.getFirst();
  }

  /** The text of {@code key} in the ConfigMap whose name ends with {@code nameSuffix}. */
  String configFile(String nameSuffix, String key) {
    JsonNode data = one("ConfigMap", nameSuffix).path("data").path(key);
    if (!data.isTextual()) {
      throw new AssertionError("ConfigMap *" + nameSuffix + " has no " + key + " in:\n" + yaml);
    }
    return data.asText();
  }

  /** That file parsed by Signet's own HCL reader, as the daemons read it. */
  ConfigSection hcl(String nameSuffix, String key) {
    return HclDocument.parse(configFile(nameSuffix, key), nameSuffix + "/" + key).root();
  }
}
