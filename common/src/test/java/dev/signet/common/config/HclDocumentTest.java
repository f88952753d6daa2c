package dev.signet.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HclDocumentTest {
  static String resource(String name) throws IOException {
    try (InputStream in = HclDocumentTest.class.getResourceAsStream("/config/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @Test
  void readsASpireServerConfIntoATree() throws IOException {
    Map<String, Object> tree = HclDocument.parse(resource("server.conf"), "server.conf").tree();
    assertThat(tree).containsOnlyKeys("server", "plugins", "health_checks", "telemetry");
    Map<String, Object> server = map(tree.get("server"));
    assertThat(server.get("bind_port")).isEqualTo("8081");
    assertThat(server.get("admin_ids")).isEqualTo(List.of("spiffe://example.org/admin/alice",
        "spiffe://example.org/admin/bob"));
    Map<String, Object> federation = map(server.get("federation"));
    assertThat(map(federation.get("bundle_endpoint")).get("port")).isEqualTo(8443L);
    assertThat(map(federation.get("federates_with"))).containsOnlyKeys("domain1.test", "domain2.test");
    Map<String, Object> plugins = map(tree.get("plugins"));
    assertThat(plugins).containsKeys("DataStore", "NodeAttestor", "KeyManager", "Notifier");
    assertThat(map(plugins.get("NodeAttestor"))).containsOnlyKeys("join_token", "x509pop", "k8s_psat");
    assertThat(map(tree.get("telemetry")).get("DogStatsd")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST).hasSize(2);
  }

  @Test
  void readsTheSameConfigWrittenAsJson() {
    String json = """
        {"server": {"trust_domain": "example.org", "bind_port": 8081, "ratio": 0.5},
         "plugins": {"NodeAttestor": {"join_token": {"plugin_data": {}}}}}
        """;
    HclDocument document = HclDocument.parse(json, "server.json");
    assertThat(map(document.tree().get("server")).get("bind_port")).isEqualTo(8081L);
    assertThat(map(document.tree().get("server")).get("ratio")).isEqualTo(0.5);
    assertThat(document.root().plugins()).extracting(PluginBlock::label).containsExactly("NodeAttestor \"join_token\"");
    assertThatThrownBy(() -> HclDocument.parse("{\"a\": 1, \"a\": 2}", "x.json"))
        .hasMessageStartingWith("x.json:1:13: invalid JSON: Duplicate field 'a'");
  }

  @Test
  void takesStringsLiterallyAsSpireDoes() {
    Map<String, Object> tree = HclDocument.parse("""
        a = "${HOME}/x"
        b = "$${ESCAPED}"
        c = "cost $5, 100%{x}"
        d = "postgres://u:p@db/x?sslmode=disable # not a comment"
        e = "quote \\" and backslash \\\\"
        SIGNET_DOLLAR_0 = "marker-looking key"
        """).tree();
    assertThat(tree).containsEntry("a", "${HOME}/x").containsEntry("b", "$${ESCAPED}")
        .containsEntry("c", "cost $5, 100%{x}").containsEntry("d", "postgres://u:p@db/x?sslmode=disable # not a comment")
        .containsEntry("e", "quote \" and backslash \\").containsEntry("SIGNET_DOLLAR_0", "marker-looking key");
  }

  @Test
  void readsHeredocsCommentsAndNumbers() {
    Map<String, Object> tree = HclDocument.parse("""
        # hash comment
        // slash comment
        /* block
           comment */
        pem = <<EOF
        -----BEGIN CERTIFICATE-----
        EOF
        int = 42
        negative = -7
        fraction = 1.5
        big = 9007199254740992
        flag = false
        """).tree();
    assertThat(tree.get("pem")).isEqualTo("-----BEGIN CERTIFICATE-----\n");
    assertThat(tree).containsEntry("int", 42L).containsEntry("negative", -7L).containsEntry("fraction", 1.5)
        .containsEntry("big", 9_007_199_254_740_992L).containsEntry("flag", false);
  }

  /** Each refusal is one line: file, line and column of the offending token, what is wrong and how to fix it. */
  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("unterminated string", "a = \"abc", "1:5: string is not terminated on the line it starts"),
        Arguments.of("string across lines", "a = \"abc\ndef\"", "1:5: string is not terminated"),
        Arguments.of("unclosed block", "server {\n  a = 1\n", "1:8: the '{' opened here is never closed; add its '}'"),
        Arguments.of("unclosed list", "a = [1, 2\n", "1:5: the '[' opened here is never closed; add its ']'"),
        Arguments.of("stray close", "a = 1\n}", "2:1: expected a key, found '}'"),
        Arguments.of("mismatched close", "a = [1, 2}", "1:10: expected ',' or ']' in the list, found '}'"),
        Arguments.of("duplicate key", "server {\n  a = 1\n  a = 2\n}", "3:3: key \"a\" is set twice (first on line 2)"),
        Arguments.of("duplicate quoted key", "\"a\" = 1\na = 2", "2:1: key \"a\" is set twice"),
        Arguments.of("attribute then block", "a = 5\na \"x\" {}", "2:1: key \"a\" is used both as a value and as a block"),
        Arguments.of("block then attribute", "a {}\na = 5", "2:1: key \"a\" is used both as a value and as a block"),
        Arguments.of("key without value", "a =\nb = 1", "2:1: value b must be quoted"),
        Arguments.of("missing equals", "server {\n  bind_port 8081\n}",
            "2:13: expected '=' and a value or a '{' block after \"bind_port\", found '8081'"),
        Arguments.of("key alone", "a", "1:2: expected '=' and a value or a '{' block after \"a\", found end of file"),
        Arguments.of("bare word value", "a = b", "1:5: value b must be quoted"),
        Arguments.of("bare word in list", "a = [x]", "1:6: value x must be quoted"),
        Arguments.of("octal with 8", "a = 08", "1:5: \"08\" is not a number (a leading 0 makes it octal)"),
        Arguments.of("beyond 64 bits", "a = 9223372036854775808", "1:5: integer 9223372036854775808 does not fit in 64 bits"),
        Arguments.of("float out of range", "a = 1e400", "1:5: number 1e400 is out of range"),
        Arguments.of("function call", "a = file(\"x\")", "1:5: value file must be quoted"),
        Arguments.of("operator", "a = 1 + 2", "1:7: expected a key, found '+'"),
        Arguments.of("unclosed comment", "a = 1 /* oops", "1:7: comment is never closed; end it with */"),
        Arguments.of("comment before the error", "/* one\n two */ a = b", "2:13: value b must be quoted"),
        Arguments.of("unclosed heredoc", "a = <<EOF\nline\n", "1:5: heredoc \"EOF\" is never closed"),
        Arguments.of("heredoc closed without a line break", "a = <<EOF\nx\nEOF", "1:5: heredoc \"EOF\" is never closed"),
        Arguments.of("after a heredoc", "a = <<EOF\nx\nEOF\nb = c", "4:5: value c must be quoted"),
        Arguments.of("equals first", "= 1", "1:1: expected a key before '='"),
        Arguments.of("labels with equals", "a \"b\" = 1", "1:7: key \"a\" \"b\" has labels, so it needs a '{' block"),
        Arguments.of("bad escape", "a = \"\\q\"", "1:6: unknown escape sequence in string"),
        Arguments.of("nul character", "a = 1\u0000", "1:6: unexpected null character"),
        Arguments.of("labels then nothing", "a \"b\"", "1:6: expected '=' and a value or a '{' block after \"a\" \"b\", found end of file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWhatSpireRefusesNamingFileLineAndColumn(String name, String text, String message) {
    assertThatThrownBy(() -> HclDocument.parse(text, "bad.conf"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.conf:" + message)
        .hasMessageNotContaining("\n");
  }

  /** The forms SPIRE's HCL v1 reads that the issue found refused: each gives the tree SPIRE's reader gives. */
  @Test
  void readsEveryHclV1Form() {
    assertThat(HclDocument.parse("a = 1 b = \"x\"").tree()).isEqualTo(Map.of("a", 1L, "b", "x"));
    assertThat(map(HclDocument.parse("telemetry { Statsd = [{ address = \"localhost:9000\" env = \"prod\" }] }")
        .tree().get("telemetry")).get("Statsd")).isEqualTo(List.of(Map.of("address", "localhost:9000", "env", "prod")));
    assertThat(HclDocument.parse("server { bind_port = \"8081\" } plugins { KeyManager \"memory\" { plugin_data {} } }")
        .tree()).containsKeys("server", "plugins");
    Map<String, Object> clusters = map(map(HclDocument.parse("""
        clusters {
          "demo" { service_account_allow_list = ["ns:sa"] }
          "prod" = { use_token_review_api_validation = true, }
        }
        """).tree()).get("clusters"));
    assertThat(clusters).isEqualTo(Map.of("demo", Map.of("service_account_allow_list", List.of("ns:sa")),
        "prod", Map.of("use_token_review_api_validation", true)));
    assertThat(HclDocument.parse("a = 0x1F\nb = 0755\nc = 1e3\nd = -9223372036854775808\ne = .5").tree())
        .isEqualTo(Map.of("a", 31L, "b", 493L, "c", 1000.0, "d", Long.MIN_VALUE, "e", 0.5));
    assertThat(HclDocument.parse("a = [1,,2,]\nb = [[1] [2]]").tree())
        .isEqualTo(Map.of("a", List.of(1L, 2L), "b", List.of(List.of(1L), List.of(2L))));
    // a document that ends right after '=' ends there, as in SPIRE's reader
    assertThat(HclDocument.parse("a = 1\nb =").tree()).isEqualTo(Map.of("a", 1L));
  }

  @Test
  void readsHeredocsAsSpireDoes() {
    assertThat(HclDocument.parse("a = <<EOT\n  one\n  two\nEOT\n").tree()).containsEntry("a", "  one\n  two\n");
    assertThat(HclDocument.parse("a = <<-EOT\n    one\n      two\n    EOT\n").tree()).containsEntry("a", "one\n  two\n");
    // an indented closing line of the plain form leaves its indentation behind (HCL v1 does so)
    assertThat(HclDocument.parse("a = <<EOT\nx\n  EOT\n").tree()).containsEntry("a", "x\n  ");
    // with <<-, a closing line at column 0 is no closing line at all: it needs as many bytes as "-EOT"
    assertThatThrownBy(() -> HclDocument.parse("a = <<-EOT\nx\nEOT\n", "x.conf")).hasMessageContaining("never closed");
  }

  @Test
  void takesPluginDataWrittenAsAHeredoc() {
    ConfigSection root = HclDocument.parse("""
        plugins {
          NodeAttestor "join_token" {
            plugin_data = <<EOT
        x = "y"
        EOT
          }
        }
        """).root();
    PluginBlock plugin = root.plugins().getFirst();
    assertThat(plugin.data().getString("x", "")).isEqualTo("y");
  }

  @Test
  void loadNamesAMissingFile() {
    Path missing = Path.of("/nonexistent/signet/server.conf");
    assertThatThrownBy(() -> HclDocument.load(missing))
        .hasMessageStartingWith("cannot read config file \"/nonexistent/signet/server.conf\"");
  }

  @Test
  void loadsFromAFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path file = java.nio.file.Files.writeString(dir.resolve("agent.conf"), resource("agent.conf"));
    HclDocument document = HclDocument.load(file);
    assertThat(document.origin()).isEqualTo(file.toString());
    assertThat(document.root().section("agent").getInt("server_port", 0)).isEqualTo(8081);
  }
}
