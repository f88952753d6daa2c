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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /** hcl4j's lexer reports "Illegal character <(=) - state: 14> found on line: 1 col: 9". */
  private static final Pattern HCL4J_ILLEGAL =
      Pattern.compile("Illegal character <\\((.*)\\) - state: \\d+> found on line: (\\d+) col: (\\d+)");

  // hcl4j logs every syntax error it meets at ERROR with a stack trace (logger
  // com.bertramlabs.plugins.hcl4j.HCLParser), then throws it. We report that error ourselves, once, as one
  // line with file, line and column (see hcl4jError). Common logs through the SLF4J API only, so it cannot
  // silence that logger itself: the daemons' logback.xml (and the tests') turn it off.


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
      throw hcl4jError(origin, text, dollar, hclMessage(e), e);
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
      String message = "invalid JSON: " + e.getOriginalMessage();
      if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
        throw new ConfigException(HclToken.syntaxError(origin, e.getLocation().getLineNr(),
            e.getLocation().getColumnNr(), message).getMessage(), e);
      }
      throw new ConfigException(origin + ": " + message, e);
    }
  }

  /**
   * A syntax error only hcl4j found, in the one format of {@link HclToken#syntaxError}: its position is
   * mapped back to the text as written (each {@code $} was a longer placeholder for hcl4j).
   */
  private static ConfigException hcl4jError(String origin, String text, String dollar, String message, Exception e) {
    Matcher illegal = HCL4J_ILLEGAL.matcher(message);
    if (illegal.find()) {
      int line = Integer.parseInt(illegal.group(2));
      int column = originalColumn(text, line, Integer.parseInt(illegal.group(3)), dollar.length());
      String found = illegal.group(1).replace(dollar, "$");
      return new ConfigException(HclToken.syntaxError(origin, line, column, "unexpected '" + found
          + "' here; check the syntax of this line").getMessage(), e);
    }
    return new ConfigException(origin + ": " + message.replace(dollar, "$").replace('\n', ' '), e);
  }

  /** The column in {@code text} of column {@code seen} of hcl4j's input, where every '$' was {@code width} long. */
  private static int originalColumn(String text, int line, int seen, int width) {
    String[] lines = text.split("\n", -1);
    if (line < 1 || line > lines.length) {
      return seen;
    }
    String original = lines[line - 1];
    int replacedColumn = 1;
    for (int i = 0; i < original.length(); i++) {
      int next = replacedColumn + (original.charAt(i) == '$' ? width : 1);
      if (seen < next) {
        return i + 1;
      }
      replacedColumn = next;
    }
    return seen - replacedColumn + original.length() + 1;
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
