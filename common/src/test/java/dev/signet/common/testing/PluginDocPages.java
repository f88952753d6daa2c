package dev.signet.common.testing;

import dev.signet.common.config.HclDocument;
import dev.signet.common.config.PluginBlock;
import dev.signet.common.plugin.CoreConfig;
import dev.signet.common.plugin.PluginCatalog;
import dev.signet.common.spiffe.TrustDomain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;

/**
 * Checks the plugin pages of {@code doc/} ({@code plugin_<side>_<type>_<name>.md}) against the catalogs of one
 * side: every built-in has a page and every page a built-in; every {@code hcl} example on a page configures
 * through the catalog (the plugin's own parser, which refuses unknown keys); and every key of the page's
 * configuration table (first column, in backquotes) is set in one of its examples, so each documented key is
 * one the parser accepts.
 */
public final class PluginDocPages {
  private static final Pattern HCL_BLOCK = Pattern.compile("(?s)```hcl\\n(.*?)```");
  private static final Pattern TABLE_KEY = Pattern.compile("(?m)^\\|\\s*`([a-z0-9_]+)`\\s*\\|");
  private static final CoreConfig CORE = new CoreConfig(TrustDomain.parse("example.org"));

  private PluginDocPages() {}

  /** The page of built-in {@code name} of {@code catalog} on {@code side} ("server" or "agent"). */
  public static Path page(Path docDir, String side, PluginCatalog<?, ?> catalog, String name) {
    return docDir.resolve("plugin_" + side + "_" + catalog.type().toLowerCase(java.util.Locale.ROOT) + "_" + name + ".md");
  }

  /** The keys of a page's configuration table. */
  public static Set<String> tableKeys(String page) {
    Set<String> keys = new TreeSet<>();
    Matcher matcher = TABLE_KEY.matcher(page);
    while (matcher.find()) {
      keys.add(matcher.group(1));
    }
    return keys;
  }

  /** The {@code hcl} examples of a page. */
  public static List<String> examples(String page) {
    List<String> examples = new ArrayList<>();
    Matcher matcher = HCL_BLOCK.matcher(page);
    while (matcher.find()) {
      examples.add(matcher.group(1));
    }
    return examples;
  }

  /** Runs every check on {@code side}'s pages for {@code catalogs}; returns how many pages were checked. */
  public static int check(Path docDir, String side, List<? extends PluginCatalog<?, ?>> catalogs) {
    SoftAssertions softly = new SoftAssertions();
    Set<Path> expected = new TreeSet<>();
    for (PluginCatalog<?, ?> catalog : catalogs) {
      for (String name : catalog.names()) {
        Path file = page(docDir, side, catalog, name);
        expected.add(file.getFileName());
        if (!Files.isRegularFile(file)) {
          softly.fail("no page " + file + " for " + catalog.type() + " \"" + name + "\"");
          continue;
        }
        checkPage(softly, file, catalog, name);
      }
    }
    try (Stream<Path> files = Files.list(docDir)) {
      softly.assertThat(files.map(Path::getFileName).filter(f -> f.toString().startsWith("plugin_" + side + "_"))
          .filter(f -> !expected.contains(f)).toList()).as("pages of plugins this side does not build in").isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    softly.assertAll();
    return expected.size();
  }

  private static void checkPage(SoftAssertions softly, Path file, PluginCatalog<?, ?> catalog, String name) {
    String page;
    try {
      page = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> examples = examples(page);
    softly.assertThat(examples).as("%s has an hcl example", file).isNotEmpty();
    Set<String> exampleKeys = new TreeSet<>();
    for (String example : examples) {
      try {
        List<PluginBlock> blocks = HclDocument.parse("plugins {\n" + example + "\n}", file.toString())
            .root().plugins();
        softly.assertThat(blocks).extracting(PluginBlock::type, PluginBlock::name).as("%s example", file)
            .containsOnly(org.assertj.core.groups.Tuple.tuple(catalog.type(), name));
        catalog.configure(blocks, CORE);
        blocks.forEach(block -> collectKeys(block.data().asMap(), exampleKeys));
      } catch (RuntimeException e) {
        softly.fail(file + ": example does not configure: " + e.getMessage() + "\n" + example);
      }
    }
    Set<String> tableKeys = tableKeys(page);
    softly.assertThat(tableKeys).as("%s: table keys not set in any example (examples set %s)", file, exampleKeys)
        .isSubsetOf(exampleKeys);
    if (page.contains("| Key |")) {
      softly.assertThat(tableKeys).as("%s has a configuration table", file).isNotEmpty();
    }
  }

  private static void collectKeys(Map<String, Object> tree, Set<String> keys) {
    tree.forEach((key, value) -> {
      keys.add(key);
      if (value instanceof Map<?, ?> map) {
        @SuppressWarnings("unchecked") Map<String, Object> sub = (Map<String, Object>) map;
        collectKeys(sub, keys);
      } else if (value instanceof List<?> list) {
        list.stream().filter(Map.class::isInstance).forEach(item -> {
          @SuppressWarnings("unchecked") Map<String, Object> sub = (Map<String, Object>) item;
          collectKeys(sub, keys);
        });
      }
    });
  }
}
