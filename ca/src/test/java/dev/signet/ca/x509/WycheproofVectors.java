package dev.signet.ca.x509;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Signature verification vectors of Project Wycheproof (C2SP/wycheproof, testvectors_v1, Apache 2.0: see
 * {@code src/test/resources/wycheproof/LICENSE}), read from the test resources.
 */
final class WycheproofVectors {
  /** What a vector expects: valid must verify, invalid must not, acceptable may go either way. */
  enum Result { VALID, INVALID, ACCEPTABLE }

  /** One test case with its group's key and parameters. */
  record Vector(String file, int id, String comment, List<String> flags, JsonNode group, byte[] message,
      byte[] signature, Result result) {
    byte[] publicKeyDer() {
      return HexFormat.of().parseHex(group.get("publicKeyDer").asText());
    }

    String hash() {
      return group.get("sha").asText();
    }

    @Override
    public String toString() {
      return file + " #" + id + " (" + comment + ", " + flags + ", " + result + ")";
    }
  }

  private WycheproofVectors() {}

  /** Every vector of {@code wycheproof/<name>.json}. */
  static List<Vector> load(String name) {
    String resource = "/wycheproof/" + name + ".json";
    try (InputStream in = WycheproofVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("test resource " + resource + " is missing");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      List<Vector> vectors = new ArrayList<>();
      for (JsonNode group : root.get("testGroups")) {
        for (JsonNode test : group.get("tests")) {
          List<String> flags = new ArrayList<>();
          test.get("flags").forEach(flag -> flags.add(flag.asText()));
          vectors.add(new Vector(name, test.get("tcId").asInt(), test.get("comment").asText(), flags, group,
              HexFormat.of().parseHex(test.get("msg").asText()), HexFormat.of().parseHex(test.get("sig").asText()),
              Result.valueOf(test.get("result").asText().toUpperCase(java.util.Locale.ROOT))));
        }
      }
      if (vectors.size() != root.get("numberOfTests").asInt()) {
        throw new IllegalStateException(resource + " has " + vectors.size() + " tests, its header says "
            + root.get("numberOfTests"));
      }
      return vectors;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
