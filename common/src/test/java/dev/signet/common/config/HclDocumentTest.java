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
  static Stream<Arguments> misreadable() {
    return Stream.of(
        Arguments.of("unterminated string", "a = \"abc", "1:5: string is not terminated on the line it starts; close it"),
        Arguments.of("string across lines", "a = \"abc\ndef\"", "1:5: string is not terminated"),
        Arguments.of("unclosed block", "server {\n  a = 1\n", "1:8: the '{' opened here is never closed; add its '}'"),
        Arguments.of("unclosed list", "a = [1, 2\n", "1:5: the '[' opened here is never closed; add its ']'"),
        Arguments.of("stray close", "a = 1\n}", "2:1: unexpected '}' with nothing open"),
        Arguments.of("mismatched close", "a = [1, 2}", "1:10: unexpected '}' in the list opened on line 1"),
        Arguments.of("duplicate key", "server {\n  a = 1\n  a = 2\n}", "3:5: key \"a\" is set twice (first on line 2)"),
        Arguments.of("duplicate quoted key", "\"a\" = 1\na = 2", "2:3: key \"a\" is set twice"),
        Arguments.of("attribute then block", "a = 5\na \"x\" {}", "2:7: key \"a\" is used both as a value and as a block"),
        Arguments.of("block then attribute", "a {}\na = 5", "2:3: key \"a\" is used both as a value and as a block"),
        Arguments.of("key without value", "a =\nb = 1", "1:4: key \"a\" needs a value, found end of line"),
        Arguments.of("missing equals", "server {\n  bind_port 8081\n}",
            "2:13: expected '=' and a value or a '{' block after \"bind_port\", found '8081'"),
        Arguments.of("key alone", "a", "1:1: key \"a\" has no value"),
        Arguments.of("bare word value", "a = b", "1:5: value b must be quoted"),
        Arguments.of("bare word in list", "a = [x]", "1:6: value x must be quoted"),
        Arguments.of("hex number", "a = 0x10", "1:5: \"0x10\" is not a decimal number"),
        Arguments.of("exponent", "a = 1e3", "1:5: \"1e3\" is not a decimal number"),
        Arguments.of("huge integer", "a = 9007199254740993", "1:5: integer 9007199254740993 is too large"),
        Arguments.of("function call", "a = file(\"x\")", "1:9: unexpected character '(' (function calls are not supported)"),
        Arguments.of("operator", "a = 1 + 2", "1:7: unexpected character '+'"),
        Arguments.of("unclosed comment", "a = 1 /* oops", "1:7: comment is never closed; end it with */"),
        Arguments.of("comment before the error", "/* one\n two */ a = b", "2:13: value b must be quoted"),
        Arguments.of("unclosed heredoc", "a = <<EOF\nline\n", "1:5: heredoc \"EOF\" is never closed; end it with a line of EOF"),
        Arguments.of("after a heredoc", "a = <<EOF\nx\nEOF\nb = c", "4:5: value c must be quoted"),
        Arguments.of("equals first", "= 1", "1:1: expected a key, found '='"),
        Arguments.of("label then equals then nothing", "a \"b\"", "1:1: key \"a\" has no value"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("misreadable")
  void refusesWhatHcl4jWouldMisreadNamingFileLineAndColumn(String name, String text, String message) {
    assertThatThrownBy(() -> HclDocument.parse(text, "bad.conf"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("bad.conf:" + message)
        .hasMessageNotContaining("\n");
  }

  @Test
  void reportsHcl4jSyntaxErrorsAsConfigErrorsAtTheirPlace() {
    // Two items on one line pass our checker (HCL v1 needs no separator) but not hcl4j, which reports them.
    assertThatThrownBy(() -> HclDocument.parse("a = 1 b = 2", "x.conf"))
        .isInstanceOf(ConfigException.class).hasMessage("x.conf:1:9: unexpected '=' here; check the syntax of this line");
    // Its column counts the text as written, though hcl4j saw every '$' as a longer placeholder.
    assertThatThrownBy(() -> HclDocument.parse("x = \"$a$b\" y = 1", "x.conf"))
        .hasMessageStartingWith("x.conf:1:14: unexpected '='");
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
