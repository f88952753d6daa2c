package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built distribution's help, man pages and bash completion: {@code --help} on each launcher prints the usage
 * and exits 0 (it starts nothing: the default config's sockets and ports are not touched), each man page renders
 * without a warning, sourcing a completion script in bash completes a subcommand, and the shipped
 * {@code doc/server_full.conf} and {@code doc/agent_full.conf} pass the built binaries' {@code validate}.
 */
class CliDistributionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Path HOME = Distribution.get().home();

  @ParameterizedTest
  @CsvSource({
      "signet-server, --help", "signet-server, -h", "signet-server entry create, -help",
      "signet-server run, --help", "signet-agent, --help", "signet-agent run, -h",
      "signet-agent api fetch x509, -help", "signet-agent helper, -help", "signet-gateway, --help", "signet-gateway run, -h",
      "signet-demo, --help", "signet-demo, -h", "signet-demo, -help"})
  void helpPrintsTheUsageAndExitsZero(String command, String flag) {
    List<String> words = List.of(command.split(" "));
    List<String> argv = new java.util.ArrayList<>();
    argv.add(HOME.resolve("bin").resolve(words.getFirst()).toString());
    argv.addAll(words.subList(1, words.size()));
    argv.add(flag);
    CommandResult result = Distribution.run(TIMEOUT, argv);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).startsWith("Usage: " + command).contains("-h, -help, --help");
    assertThat(result.stderr()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"signet-server, server_full.conf, SPIRE server configuration file is valid.",
      "signet-agent, agent_full.conf, SPIRE agent configuration file is valid."})
  void theShippedFullConfigsValidate(String binary, String conf, String valid) {
    Path file = HOME.resolve("doc").resolve(conf);
    assertThat(file).isRegularFile();
    assertThat(HOME.resolve("doc/plugin_server_nodeattestor_x509pop.md")).isRegularFile();
    CommandResult result = Distribution.run(TIMEOUT, List.of(HOME.resolve("bin").resolve(binary).toString(),
        "validate", "-config", file.toString()));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout()).contains(valid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--start", "run"})
  void theDemoGivenAnythingButHelpIsAUsageErrorThatStartsNothing(String argument) {
    CommandResult result = Distribution.run(TIMEOUT, List.of(HOME.resolve("bin/signet-demo").toString(), argument));
    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.stderr()).contains(argument).contains("Usage: signet-demo");
  }

  @ParameterizedTest
  @ValueSource(strings = {"signet-server", "signet-agent", "signet-gateway", "signet-demo"})
  void theManPageRendersWithoutWarnings(String binary) {
    Path page = HOME.resolve("share/man/man1").resolve(binary + ".1");
    assertThat(page).isRegularFile();
    CommandResult man = Distribution.run(TIMEOUT, List.of("env", "MANWIDTH=80", "MAN_KEEP_FORMATTING=0",
        Distribution.requireTool("man"), "--warnings", "-l", page.toString()));
    assertThat(man.exitCode()).as(man.toString()).isZero();
    assertThat(man.stderr()).as("man --warnings").isEmpty();
    String text = man.stdout().replaceAll(".\b", ""); // man still overstrikes bold and underline in a pipe
    assertThat(text).contains("NAME").contains(binary).contains("-help").doesNotContain(" null ");
    CommandResult groff = Distribution.run(TIMEOUT, List.of(Distribution.requireTool("groff"), "-man", "-Tutf8",
        "-ww", "-z", page.toString()));
    assertThat(groff.exitCode()).as(groff.toString()).isZero();
    assertThat(groff.stderr()).as("groff -ww").isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"signet-server, en, entry", "signet-server entry, cr, create", "signet-agent api, fe, fetch",
      "signet-gateway, va, validate", "signet-server entry create, -parent, -parentID"})
  void bashCompletesFromTheSourcedScript(String typed, String partial, String expected) throws Exception {
    String binary = typed.split(" ")[0];
    Path script = HOME.resolve("share/bash-completion/completions").resolve(binary);
    assertThat(script).isRegularFile();
    assertThat(Files.readString(script)).contains("complete -F _complete_" + binary);
    String words = typed + " " + partial;
    String probe = "source \"$1\"; COMP_LINE=\"$2\"; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<< \"$2\";"
        + " COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _complete_" + binary
        + " \"${COMP_WORDS[0]}\" \"${COMP_WORDS[COMP_CWORD]}\"; printf '%s\\n' \"${COMPREPLY[@]}\"";
    CommandResult result = Distribution.run(TIMEOUT, List.of(Distribution.requireTool("bash"), "-c", probe, "bash",
        script.toString(), words));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.stdout().lines().map(String::strip).toList()).as(result.toString()).contains(expected);
  }
}
