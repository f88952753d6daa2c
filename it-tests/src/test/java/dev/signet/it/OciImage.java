package dev.signet.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * One OCI image tar that Jib wrote ({@code packaging/image/target/jib-<name>.tar}: an OCI image layout), opened
 * with the system's tar: its index, manifest and config, and its layers unpacked in order into a root directory
 * as a container runtime would, whiteouts honoured.
 *
 * @param layout the directory the tar was unpacked into
 * @param manifest the image manifest the index names
 * @param config the image configuration the manifest names
 */
record OciImage(Path layout, JsonNode manifest, JsonNode config) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TAR_TIMEOUT = Duration.ofMinutes(3);
  private static final String WHITEOUT = ".wh.";
  private static final String OPAQUE = ".wh..wh..opq";

  /** Unpacks {@code tar} into {@code layout} and reads the one image it holds. */
  static OciImage open(Path tar, Path layout) throws IOException {
    if (!Files.isRegularFile(tar)) {
      throw new AssertionError(tar + " is missing: build the images with ./mvnw -B install -DskipTests");
    }
    Files.createDirectories(layout);
    Distribution.run(TAR_TIMEOUT, List.of(Distribution.requireTool("tar"), "-xf", tar.toString(), "-C", layout.toString()))
        .requireOk();
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    if (index.path("manifests").size() != 1) {
      throw new AssertionError(tar + " holds " + index.path("manifests").size() + " images, expected one: " + index);
    }
    JsonNode manifest = readBlob(layout, index.path("manifests").get(0));
    JsonNode config = readBlob(layout, manifest.path("config"));
    return new OciImage(layout, manifest, config);
  }

  /** The config's {@code config} object: User, Entrypoint, Cmd, Env, Labels, WorkingDir, ExposedPorts. */
  JsonNode runConfig() {
    return config.path("config");
  }

  /** The layer blobs in order, each checked against its digest. */
  List<Path> layers() throws IOException {
    List<Path> layers = new ArrayList<>();
    for (JsonNode descriptor : manifest.path("layers")) {
      layers.add(verifiedBlob(layout, descriptor));
    }
    return layers;
  }

  /** The sizes of the compressed layers, as a registry stores and a node pulls them. */
  long compressedSize() {
    long size = 0;
    for (JsonNode layer : manifest.path("layers")) {
      size += layer.path("size").asLong();
    }
    return size;
  }

  /** Unpacks every layer in order into {@code root}, owners kept, whiteouts applied. */
  void unpack(Path root) throws IOException {
    Files.createDirectories(root);
    String tar = Distribution.requireTool("tar");
    for (Path layer : layers()) {
      List<String> entries = List.of(Distribution.run(TAR_TIMEOUT, List.of(tar, "-tzf", layer.toString()))
          .requireOk().stdout().split("\n"));
      for (String entry : entries) {
        applyWhiteout(root, entry);
      }
      Distribution.run(TAR_TIMEOUT, List.of(tar, "-xzf", layer.toString(), "-C", root.toString(), "--same-owner",
          "--numeric-owner", "--same-permissions", "--warning=no-unknown-keyword", "--exclude=" + WHITEOUT + "*"))
          .requireOk();
    }
  }

  /** A whiteout entry removes what lower layers put at that path; an opaque one empties its directory. */
  private static void applyWhiteout(Path root, String entry) throws IOException {
    Path path = Path.of(entry.startsWith("./") ? entry.substring(2) : entry);
    if (path.getFileName() == null || !path.getFileName().toString().startsWith(WHITEOUT)) {
      return;
    }
    Path directory = path.getParent() == null ? root : root.resolve(path.getParent().toString());
    if (path.getFileName().toString().equals(OPAQUE)) {
      if (Files.isDirectory(directory)) {
        try (Stream<Path> children = Files.list(directory)) {
          for (Path child : children.toList()) {
            deleteTree(child);
          }
        }
      }
      return;
    }
    deleteTree(directory.resolve(path.getFileName().toString().substring(WHITEOUT.length())));
  }

  static void deleteTree(Path path) throws IOException {
    if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path file : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }

  private static JsonNode readBlob(Path layout, JsonNode descriptor) throws IOException {
    return JSON.readTree(verifiedBlob(layout, descriptor).toFile());
  }

  private static Path verifiedBlob(Path layout, JsonNode descriptor) throws IOException {
    String digest = descriptor.path("digest").asText();
    if (!digest.startsWith("sha256:")) {
      throw new AssertionError("unsupported digest " + digest);
    }
    Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    if (Files.size(blob) != descriptor.path("size").asLong()) {
      throw new AssertionError(blob + " has " + Files.size(blob) + " bytes, its descriptor says " + descriptor.path("size"));
    }
    String actual = "sha256:" + sha256(blob);
    if (!actual.equals(digest)) {
      throw new AssertionError(blob + " hashes to " + actual + ", its descriptor says " + digest);
    }
    return blob;
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read = in.read(buffer); read > 0; read = in.read(buffer)) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
