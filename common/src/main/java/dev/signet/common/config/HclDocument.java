package dev.signet.common.config;

import com.fasterxml.jackson.core.JacksonException;
import dev.signet.common.config.hcl.HclParser;
import dev.signet.common.config.hcl.HclSyntaxException;
import dev.signet.common.json.JsonObjects;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed SPIRE configuration file as a tree of maps, lists, strings, {@code Long}s, {@code Double}s and
 * {@code Boolean}s. HCL is read by {@link HclParser} with the rules of the HCL v1 module SPIRE pins, then shaped
 * by {@link HclTree}; a document whose first character is <code>{</code> is read as JSON, which SPIRE also
 * accepts. Strings are taken literally, as SPIRE's HCL v1 does: {@code "${X}"} stays {@code ${X}} (use
 * {@link EnvExpander} first for SPIRE's {@code -expandEnv}).
 *
 * <p>Repeated blocks appear as lists of maps; labelled blocks as nested maps keyed by label
 * ({@code NodeAttestor "join_token" {…}} becomes {@code NodeAttestor → join_token → {…}}).
 *
 * @param origin where the text came from, used in error messages (a file name, or {@code "config"})
 */
public record HclDocument(String origin, Map<String, Object> tree) {
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
      return new HclDocument(origin, TreeNormalizer.normalize(json(text, origin), origin));
    }
    try {
      return new HclDocument(origin, HclTree.build(HclParser.parse(text), text, origin));
    } catch (HclSyntaxException e) {
      throw syntaxError(origin, e);
    }
  }

  /** Reads and parses a UTF-8 file. */
  public static HclDocument load(Path file) {
    return load(file, false);
  }

  /**
   * Reads and parses a UTF-8 file (a leading byte order mark is skipped; bytes that are not UTF-8 are refused, as
   * SPIRE refuses them); with {@code expandEnv}, {@code $VAR} and {@code ${VAR}} are first replaced from the
   * environment (SPIRE's {@code -expandEnv}).
   */
  public static HclDocument load(Path file, boolean expandEnv) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
    } catch (CharacterCodingException e) {
      throw new ConfigException("config file \"" + file + "\" is not UTF-8 text", e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file \"" + file + "\": " + e, e);
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    return parse(expandEnv ? EnvExpander.expandFromEnvironment(text) : text, file.toString());
  }

  /** A fresh accessor over the whole document that records which keys get read. */
  public ConfigSection root() {
    return ConfigSection.root(tree);
  }

  /**
   * The one format of every syntax error: {@code server.conf:12:5: message}, on one line, so the command line
   * can print it as it is and editors can jump to the place.
   */
  static ConfigException syntaxError(String origin, HclSyntaxException e) {
    return new ConfigException(origin + ":" + e.line() + ":" + e.column() + ": " + e.getMessage(), e);
  }

  private static Map<String, Object> json(String text, String origin) {
    try {
      return JsonObjects.parse(text);
    } catch (JacksonException e) {
      String message = "invalid JSON: " + e.getOriginalMessage();
      if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
        throw new ConfigException(origin + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
            + ": " + message, e);
      }
      throw new ConfigException(origin + ": " + message, e);
    } catch (IOException e) {
      throw new ConfigException(origin + ": cannot read JSON: " + e.getMessage(), e);
    }
  }
}
