package dev.signet.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class ManPageTest {
  @TempDir Path temp;

  @Command(name = "tool", description = {"Does things with -dashes and \\backslashes", ".starts with a dot"},
      subcommands = {Tool.Sub.class})
  static final class Tool {
    @Option(names = {"-config", "--config"}, paramLabel = "FILE", defaultValue = "conf/a.conf",
        description = "Config file")
    String config;

    @Command(name = "sub", description = "'quoted start and a \"quote\"")
    static final class Sub {
      @Option(names = "-flag", description = "A flag") boolean flag;
      @Parameters(paramLabel = "NAME", description = "The name") String name;
    }
  }

  private static String page() {
    return ManPage.render(HelpOptions.install(new CommandLine(new Tool())).getCommandSpec(), "1.2.3");
  }

  @Test
  void escapesBackslashesHyphensAndLeadingControlCharacters() {
    assertThat(ManPage.text("a-b\\c")).isEqualTo("a\\-b\\ec");
    assertThat(ManPage.text(".TH x")).isEqualTo("\\&.TH x");
    assertThat(ManPage.text("'x")).isEqualTo("\\&'x");
    assertThat(ManPage.quoted("say \"hi\"")).isEqualTo("\"say \\(dqhi\\(dq\"");
  }

  @Test
  void rendersEverySectionAndEveryCommand() {
    String page = page();
    assertThat(page).startsWith(".TH \"TOOL\" 1 \"\" \"Signet 1.2.3\" \"Signet Manual\"\n")
        .contains(".SH NAME\ntool \\- Does things with \\-dashes and \\ebackslashes\n")
        .contains(".PP\n\\&.starts with a dot\n")
        .contains("\\fB\\-config, \\-\\-config\\fR \\fIFILE\\fR\nConfig file (default: conf/a.conf)\n")
        .contains(".SS \"tool sub\"\n.PP\n\\&'quoted start and a \"quote\"\n")
        .contains(".I \"NAME\"\nThe name\n")
        .contains(".B \"\\-h, \\-help, \\-\\-help\"\n")
        .contains(".SH EXIT STATUS");
    assertThat(page.lines().filter(line -> line.startsWith(".") || line.startsWith("'"))
        .filter(line -> !line.matches("^\\.(TH|SH|SS|PP|TP|B|I)( .*)?$"))).isEmpty();
  }

  @Test
  void groffFormatsThePageWithoutAnyWarning() throws IOException, InterruptedException {
    Path file = temp.resolve("tool.1");
    Files.writeString(file, page());
    // a missing groff fails here (IOException): the packaging checks need it (groff-base)
    Process groff = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", file.toString())
        .redirectErrorStream(true).start();
    String output = new String(groff.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(groff.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(groff.exitValue()).as(output).isZero();
    assertThat(output).isEmpty();
  }
}
