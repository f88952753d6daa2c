package dev.signet.server.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.signet.common.config.HclDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every {@code hcl} example of {@code doc/oidc_discovery_provider.md} loads with the provider's parser. */
class OidcDocPageTest {
  private static final Pattern HCL_BLOCK = Pattern.compile("```hcl\\n(.*?)```", Pattern.DOTALL);

  @Test
  void everyExampleOnTheDocPageLoads() throws Exception {
    String page = Files.readString(Path.of("../doc/oidc_discovery_provider.md"));
    Matcher matcher = HCL_BLOCK.matcher(page);
    List<OidcConfig> loaded = new ArrayList<>();
    while (matcher.find()) {
      loaded.add(OidcConfigLoader.parse(HclDocument.parse(matcher.group(1))));
    }
    assertThat(loaded).hasSize(2);
    assertThat(loaded.get(0).servingCert().addr().port()).isEqualTo(8443);
    assertThat(loaded.get(1).keySource()).isInstanceOf(OidcConfig.WorkloadApi.class);
  }
}
