package dev.signet.common.config.hcl;

import java.nio.charset.StandardCharsets;

/** UTF-8 lengths: HCL v1 measures heredoc anchors and lines in bytes. */
final class Utf8 {
  private Utf8() {}

  static int length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
