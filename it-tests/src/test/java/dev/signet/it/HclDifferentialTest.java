package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.signet.common.config.HclDocument;
import dev.signet.common.config.hcl.HclNode;
import dev.signet.common.config.hcl.HclNode.HclItem;
import dev.signet.common.config.hcl.HclNode.HclList;
import dev.signet.common.config.hcl.HclNode.HclLiteral;
import dev.signet.common.config.hcl.HclNode.HclObject;
import dev.signet.common.config.hcl.HclParser;
import dev.signet.common.config.hcl.HclSyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds Signet's HCL parser to the HCL v1 module SPIRE v1.13.3 pins (hashicorp/hcl v1.0.1-vault-7): every
 * {@code .conf} SPIRE ships in its module ({@code conf/}, {@code test/fixture/config},
 * {@code test/integration/suites}), hand-written corner cases, and seeded mutations of all of them go through both
 * parsers ({@code hcl-oracle}, a Go program of ours in tools/peers built on that module, and {@link HclParser});
 * each must give the same syntax tree, literal values included, or both must refuse.
 */
class HclDifferentialTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MUTATIONS_PER_FILE = 60;
  private static final String[] INSERTS = {" ", "\n", "{", "}", "[", "]", "=", ",", "\"", "#", "/", "*", "<", "<<EOT\n",
      "\nEOT\n", "-", ".", "0", "7", "8", "x", "e", "E", "+", "a", "\\", "\\n", "\\x4", "$", "${", "true", "\r\n", "\t",
      "é", "'", "0x", "1e", ".5"};

  @Test
  void parsesEverySpireConfigAndEveryMutationAsSpiresHclModuleDoes() throws Exception {
    List<String> corpus = new ArrayList<>();
    List<String> spireConfigs = spireConfigs();
    assertThat(spireConfigs).as("SPIRE's own .conf files").hasSizeGreaterThan(80);
    corpus.addAll(spireConfigs);
    corpus.addAll(cornerCases());
    Random random = new Random(20261206);
    List<String> seeds = List.copyOf(corpus);
    for (String seed : seeds) {
      for (int i = 0; i < MUTATIONS_PER_FILE; i++) {
        corpus.add(mutate(seed, random));
      }
    }
    JsonNode oracle = oracle(corpus);
    assertThat(oracle.size()).isEqualTo(corpus.size());
    int readable = 0;
    for (int i = 0; i < spireConfigs.size(); i++) { // each SPIRE reads makes a configuration tree here too
      if (!oracle.get(i).has("error")) {
        assertThat(HclDocument.parse(spireConfigs.get(i), "spire config " + i).tree()).isNotEmpty();
        readable++;
      }
    }
    System.out.printf("hcl differential: %d of SPIRE's %d .conf files are HCL SPIRE reads (the others are templates)%n",
        readable, spireConfigs.size());

    int accepted = 0;
    int refused = 0;
    int json = 0;
    List<String> differences = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      JsonNode expected = oracle.get(i);
      if (expected.has("json")) {
        json++;
        continue;
      }
      JsonNode actual = ours(corpus.get(i));
      boolean bothRefuse = expected.has("error") && actual.has("error");
      if (bothRefuse) {
        refused++;
      } else if (expected.equals(actual)) {
        accepted++;
      } else if (differences.size() < 10) {
        differences.add("document " + i + ":\n" + corpus.get(i) + "\n--- SPIRE's HCL: " + expected + "\n--- Signet: "
            + actual);
      } else {
        differences.add("document " + i);
      }
    }
    System.out.printf("hcl differential: %d documents (%d SPIRE configs), %d same tree, %d both refuse, %d JSON mode, "
        + "%d differ%n", corpus.size(), spireConfigs.size(), accepted, refused, json, differences.size());
    assertThat(differences).as("documents the two parsers read differently").isEmpty();
    assertThat(accepted).as("mutations must leave many documents valid").isGreaterThan(corpus.size() / 5);
    assertThat(refused).as("mutations must break many documents").isGreaterThan(corpus.size() / 5);
  }

  private static JsonNode ours(String document) {
    try {
      return object(HclParser.parse(document));
    } catch (HclSyntaxException e) {
      return NODES.objectNode().put("error", e.getMessage());
    }
  }

  private static ObjectNode object(HclObject object) {
    ArrayNode items = NODES.arrayNode();
    for (HclItem item : object.items()) {
      ArrayNode keys = NODES.arrayNode();
      item.keys().forEach(key -> keys.add(key.name()));
      ObjectNode out = NODES.objectNode();
      out.set("k", keys);
      out.put("a", item.assigned());
      out.set("v", node(item.value()));
      items.add(out);
    }
    ObjectNode out = NODES.objectNode();
    out.set("o", items);
    return out;
  }

  private static JsonNode node(HclNode node) {
    return switch (node) {
      case HclObject object -> object(object);
      case HclList list -> {
        ArrayNode elements = NODES.arrayNode();
        list.elements().forEach(element -> elements.add(node(element)));
        ObjectNode out = NODES.objectNode();
        out.set("l", elements);
        yield out;
      }
      case HclLiteral literal -> NODES.objectNode().put("t", literal.token().kind().name())
          .put("v", switch (literal.value()) {
            case Double d -> Long.toUnsignedString(Double.doubleToRawLongBits(d));
            case Object other -> String.valueOf(other);
          });
    };
  }

  private static JsonNode oracle(List<String> documents) throws Exception {
    Process process = new ProcessBuilder(SpirePeers.bin("hcl-oracle")).redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      Thread writer = Thread.ofVirtual().start(() -> {
        try (var in = process.getOutputStream()) {
          JSON.writeValue(in, documents);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      });
      JsonNode results = JSON.readTree(process.getInputStream());
      writer.join();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as("hcl-oracle exit code").isZero();
      return results;
    } finally {
      process.destroyForcibly();
    }
  }

  /** SPIRE's .conf files, from its module as the Go toolchain downloaded it (tools/go-peers builds SPIRE from it). */
  private static List<String> spireConfigs() throws Exception {
    Path dir = SpirePeers.spireModule();
    List<String> configs = new ArrayList<>();
    for (String sub : List.of("conf", "test/fixture/config", "test/integration/suites")) {
      try (Stream<Path> files = Files.walk(dir.resolve(sub))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
          configs.add(Files.readString(file, StandardCharsets.UTF_8));
        }
      }
    }
    return configs;
  }

  private static String mutate(String seed, Random random) {
    StringBuilder text = new StringBuilder(seed);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && !text.isEmpty(); e++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(6)) {
        case 0 -> text.deleteCharAt(at);
        case 1, 2 -> text.insert(at, INSERTS[random.nextInt(INSERTS.length)]);
        case 3 -> text.setCharAt(at, INSERTS[random.nextInt(INSERTS.length)].charAt(0));
        case 4 -> { // duplicate the line at 'at'
          int start = text.lastIndexOf("\n", at) + 1;
          int end = text.indexOf("\n", at);
          end = end < 0 ? text.length() : end + 1;
          text.insert(start, text.substring(start, end));
        }
        default -> { // delete the line at 'at'
          int start = text.lastIndexOf("\n", at) + 1;
          int end = text.indexOf("\n", at);
          text.delete(start, end < 0 ? text.length() : end + 1);
        }
      }
    }
    return text.toString();
  }

  /** Corner cases of HCL v1 the mutations may not reach. */
  private static List<String> cornerCases() {
    return List.of(
        "a = 1 b = 2", "a = 1, b = 2,", "x { a = 1 b { c = [1,,2,] } }", "a \"b\" \"c\" { d = true }",
        "a \"b\" = 1", "a = <<EOT\nx\nEOT\n", "a = <<EOT\nx\n  EOT\n", "a = <<-EOT\n  x\n    y\n  EOT\n",
        "a = <<-EOT\nx\nEOT\n", "a = <<EOT\nx\nEOT", "a = <<-EOT\n\tx\n EOT\n", "a = 0x1f", "a = 0755", "a = 08",
        "a = 1e3", "a = .5e3", "a = 1.e3", "a = 0.e", "a = 1e+x", "a = -0", "a = -9223372036854775808",
        "a = 9223372036854775808", "a = 1e400", "a = 1e-400", "a = \"\\x41\\101\\u00e9\\U0001F600\"",
        "a = \"${x \"y\" }\"", "a = \"${\n}\"", "a = \"\\q\"", "a = [[1] [2]]", "a = [{b = 1} {c = 2}]",
        "a = [1 2]", "a =", "a = 1\nb =", "a", "a \"b\"", "}", "a = {}", "a = { b = 1 }", "/* x */ a = 1 // y\n# z",
        "a = 1 /* unclosed", "a = 1 / 2", "\"quoted key\" = 1", "a.b-c = 1", "é = 1", "a = true\nb = false",
        "a = 1\u0000", "a = \"x\"\"y\"", "a = [1, <<EOT\nx\nEOT\n]", "a = 1.5.5", "a = ..5", "a = 0xg", "a=1\r\nb=2");
  }
}
