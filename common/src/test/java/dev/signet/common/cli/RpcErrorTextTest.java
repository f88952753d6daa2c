package dev.signet.common.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RpcErrorTextTest {
  @TempDir Path dir;

  @Test
  void anUnreachableSocketIsNamedWithItsCauseAsGoPrintsIt() throws IOException {
    Path missing = dir.resolve("agent.sock");
    assertThat(RpcErrorText.describe(Status.UNAVAILABLE.withDescription("io exception").asRuntimeException(), missing))
        .isEqualTo("rpc error: code = Unavailable desc = connection error: desc = \"transport: error while dialing: "
            + "dial unix " + missing + ": connect: no such file or directory\"");
    Files.createFile(missing); // a path that exists but where nothing listens
    assertThat(RpcErrorText.describe(Status.UNAVAILABLE.asRuntimeException(), missing))
        .endsWith("dial unix " + missing + ": connect: connection refused\"");
    assertThat(RpcErrorText.describe(Status.UNAVAILABLE.withDescription("io exception")
        .withCause(new IOException("connect failed")).asRuntimeException(), missing)).contains("connection refused");
  }

  @Test
  void anUnavailableTheServerSentKeepsItsDescription() throws IOException {
    Path socket = Files.createFile(dir.resolve("server.sock"));
    assertThat(RpcErrorText.describe(Status.UNAVAILABLE.withDescription("bundle of \"spire.test\" not refreshed: "
        + "endpoint presented spiffe://spire.test/spire/server").asRuntimeException(), socket))
        .isEqualTo("rpc error: code = Unavailable desc = bundle of \"spire.test\" not refreshed: endpoint presented "
            + "spiffe://spire.test/spire/server");
  }

  @Test
  void otherFailuresKeepTheirDescription() {
    assertThat(RpcErrorText.describe(Status.PERMISSION_DENIED.withDescription("no identity issued").asRuntimeException(),
        dir.resolve("x.sock"))).isEqualTo("rpc error: code = PermissionDenied desc = no identity issued");
    assertThat(RpcErrorText.goCode(Status.Code.ALREADY_EXISTS)).isEqualTo("AlreadyExists");
    assertThat(RpcErrorText.goCode(Status.Code.OK)).isEqualTo("OK");
  }
}
