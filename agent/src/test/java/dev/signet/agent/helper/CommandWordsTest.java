package dev.signet.agent.helper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandWordsTest {
  @Test
  void splitsOnBlanksLikeAShell() {
    assertThat(CommandWords.split("  -D /var/lib/pg\t-c  ssl=on ")).containsExactly("-D", "/var/lib/pg", "-c", "ssl=on");
    assertThat(CommandWords.split("")).isEmpty();
  }

  @Test
  void quotesAndBackslashesKeepBlanksAndNothingIsExpanded() {
    assertThat(CommandWords.split("-c 'ssl_cert_file=/a b/c.pem' \"x \\\"y\\\" \\\\ \\n\" a\\ b $HOME ''"))
        .containsExactly("-c", "ssl_cert_file=/a b/c.pem", "x \"y\" \\ \\n", "a b", "$HOME", "");
    assertThat(CommandWords.split("pre'fix'\"-suffix\"")).containsExactly("prefix-suffix");
  }

  @Test
  void unterminatedQuotesAreErrors() {
    assertThatThrownBy(() -> CommandWords.split("a \"b")).hasMessage("cmd_args \"a \"b\" has an unterminated double quote");
    assertThatThrownBy(() -> CommandWords.split("a\\")).hasMessage("cmd_args \"a\\\" ends with a lone backslash");
  }
}
