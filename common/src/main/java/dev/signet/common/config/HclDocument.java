package dev.signet.common.config;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.bertramlabs.plugins.hcl4j.HCLParserException;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed SPIRE configuration file as a tree of maps, lists, strings, {@code Long}s, {@code Double}s and
 * {@code Boolean}s. HCL goes through hcl4j after {@link HclLexer} and {@link HclChecker} have refused what
 * hcl4j would silently misread; a document whose first character is <code>{</code> is read as JSON, which
 * SPIRE also accepts. Strings are taken literally, as SPIRE's HCL v1 does: {@code "${X}"} stays
 * {@code ${X}} (use {@link EnvExpander} first for SPIRE's {@code -expandEnv}).
 *
 * <p>Repeated blocks appear as lists of maps; labelled blocks as nested maps keyed by label
 * ({@code NodeAttestor "join_token" {…}} becomes {@code NodeAttestor → join_token → {…}}).
 *
 * @param origin where the text came from, used in error messages (a file name, or {@code "config"})
 */
public record HclDocument(String origin, Map<String, Object> tree) {
  private static final JsonMapper JSON = JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  public HclDocument {
    tree = Collections.unmodifiableMap(new LinkedHashMap<>(tree));
  }

  /** Parses HCL (or JSON) text. */
  public static HclDocument parse(String text) {
    return parse(text, "config");
  }

  /** Parses HCL (or JSON) text, naming {@code origin} in error messages. */
  public static HclDocument parse(String text, String origin) {
    if (text == null) {
      throw new ConfigException(origin + ": no configuration text");
    }
    if (text.strip().startsWith("{")) {
      return new HclDocument(origin, TreeNormalizer.normalize(json(text, origin), origin, null));
    }
    HclChecker.check(HclLexer.tokenize(text, origin), origin);
    String dollar = placeholder(text);
    Map<String, Object> raw;
    try {
      raw = new HCLParser().parse(text.replace("$", dollar));
    } catch (HCLParserException | IOException | RuntimeException e) { // hcl4j wraps its syntax errors in RuntimeException
      throw new ConfigException(origin + ": " + hclMessage(e).replace(dollar, "$"), e);
    }
    return new HclDocument(origin, TreeNormalizer.normalize(raw, origin, dollar));
  }

  /** Reads and parses a UTF-8 file. */
  public static HclDocument load(Path file) {
    return load(file, false);
  }

  /**
   * Reads and parses a UTF-8 file; with {@code expandEnv}, {@code $VAR} and {@code ${VAR}} are first
   * replaced from the environment (SPIRE's {@code -expandEnv}).
   */
  public static HclDocument load(Path file, boolean expandEnv) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file \"" + file + "\": " + e, e);
    }
    return parse(expandEnv ? EnvExpander.expandFromEnvironment(text) : text, file.toString());
  }

  /** A fresh accessor over the whole document that records which keys get read. */
  public ConfigSection root() {
    return ConfigSection.root(tree);
  }

  private static Map<String, Object> json(String text, String origin) {
    try {
      return JSON.readValue(text, JSON.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
    } catch (JacksonException e) {
      throw new ConfigException(origin + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * hcl4j evaluates {@code ${…}} even though SPIRE's HCL does not, so every {@code $} is swapped for a
   * marker the text does not contain and swapped back in {@link TreeNormalizer}.
   */
  private static String placeholder(String text) {
    String marker = "SIGNET_DOLLAR_";
    for (long n = 0; ; n++) {
      if (!text.contains(marker + n)) {
        return marker + n + "_";
      }
    }
  }

  private static String hclMessage(Exception e) {
    Throwable cause = e.getCause() instanceof HCLParserException inner ? inner : e;
    return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
  }
}
