package dev.signet.agent.helper;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.signet.agent.cli.AgentMain;
import dev.signet.common.SignetVersion;
import dev.signet.common.bundle.DerCodec;
import dev.signet.common.testing.TestCertificate;
import dev.signet.proto.workload.X509SVID;
import dev.signet.proto.workload.X509SVIDResponse;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code signet-agent helper} through the agent's command line. */
class HelperCommandTest {
  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return AgentMain.commandLine(null, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
  }

  @Test
  void versionPrintsTheVersion() {
    assertThat(run("helper", "-version")).isZero();
    assertThat(out.toString().strip()).isEqualTo(SignetVersion.get());
  }

  @Test
  void aBadConfigurationExitsOneWithTheMessageAndWritesNothing() throws Exception {
    Path conf = dir.resolve("helper.conf");
    Files.writeString(conf, "svid_file_name = \"svid.pem\"\nkey_file_mode = 0644\n");
    assertThat(run("helper", "-config", conf.toString())).isEqualTo(1);
    assertThat(err.toString()).startsWith("Error: ").contains("svid_file_name");
  }

  @Test
  void theDaemonModeFlagTurnsADaemonConfigurationIntoOneShotWithCmdsExitCode() throws Exception {
    TestCertificate.Issued root = TestCertificate.ca("example.org").issue();
    TestCertificate.Issued leaf = TestCertificate.leaf("spiffe://example.org/app", root).issue();
    try (FakeWorkloadApi api = new FakeWorkloadApi(dir.resolve("api.sock"))) {
      api.firstX509.set(X509SVIDResponse.newBuilder().addSvids(X509SVID.newBuilder()
          .setSpiffeId("spiffe://example.org/app")
          .setX509Svid(ByteString.copyFrom(DerCodec.concat(List.of(leaf.certificate()))))
          .setX509SvidKey(ByteString.copyFrom(leaf.keyPair().getPrivate().getEncoded()))
          .setBundle(ByteString.copyFrom(DerCodec.concat(List.of(root.certificate()))))).build());
      Path conf = dir.resolve("helper.conf");
      Files.writeString(conf, """
          agent_address = "%s"
          daemon_mode = true
          cert_dir = "%s"
          svid_file_name = "svid.pem"
          svid_key_file_name = "svid_key.pem"
          svid_bundle_file_name = "svid_bundle.pem"
          cmd = "sh"
          cmd_args = "-c 'test -s %s && exit 4'"
          """.formatted(dir.resolve("api.sock"), dir.resolve("certs"), dir.resolve("certs/svid_key.pem")));
      assertThat(run("helper", "-config", conf.toString(), "-daemon-mode=false")).as(err.toString()).isEqualTo(4);
    }
  }
}
