package dev.signet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two real servers federating as SPIRE servers do, configured only through server.conf: example.org serves
 * its bundle endpoint (https_spiffe), partner.org federates with it ({@code federates_with}) and, once
 * bootstrapped with example.org's bundle, fetches each new version of it from the endpoint.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FederationEndToEndTest implements ProcessLogsOnFailure.WithWorkspaces {
  private final int endpointPort = Workspace.freePort();
  private final List<Workspace> workspaces = new ArrayList<>();
  private SignetServer home;
  private SignetServer partner;

  @Override
  public List<Workspace> workspaces() {
    return workspaces;
  }

  @BeforeAll
  void startBothServers() {
    Workspace homeSpace = new Workspace("fed-home");
    Workspace partnerSpace = new Workspace("fed-partner");
    workspaces.add(homeSpace);
    workspaces.add(partnerSpace);
    home = new SignetServer(homeSpace).withServerBlocks("""
        federation {
            bundle_endpoint {
                address = "127.0.0.1"
                port = %d
                refresh_hint = "1m"
            }
        }
        """.formatted(endpointPort)).start();
    partner = new SignetServer(partnerSpace).withTrustDomain("partner.org").withServerBlocks("""
        federation {
            federates_with "example.org" {
                bundle_endpoint_url = "https://127.0.0.1:%d"
                bundle_endpoint_profile "https_spiffe" {
                    endpoint_spiffe_id = "spiffe://example.org/spire/server"
                }
            }
        }
        """.formatted(endpointPort)).start();
  }

  @AfterAll
  void stopAll() {
    workspaces.forEach(Workspace::close);
  }

  private static int certificates(CommandResult pem) {
    return pem.stdout().split("BEGIN CERTIFICATE", -1).length - 1;
  }

  @Test
  void thePartnerFetchesEachNewBundleOfTheHomeDomainFromItsEndpoint() throws Exception {
    CommandResult relationship = partner.admin("federation", "show", "-trustDomain", "example.org").requireOk();
    assertThat(relationship.stdout()).contains("https://127.0.0.1:" + endpointPort).contains("https_spiffe");

    // https_spiffe authenticates the endpoint with the bundle already held: bootstrap it once, as with SPIRE.
    Path bootstrap = workspaces.get(1).path("example.org.bundle.json");
    Files.writeString(bootstrap, home.admin("bundle", "show", "-format", "spiffe").requireOk().stdout());
    partner.admin("bundle", "set", "-id", "spiffe://example.org", "-path", bootstrap.toString(), "-format", "spiffe")
        .requireOk();
    assertThat(certificates(partner.admin("bundle", "list", "-id", "spiffe://example.org").requireOk())).isEqualTo(1);

    home.admin("localauthority", "x509", "prepare").requireOk();
    assertThat(certificates(home.admin("bundle", "show").requireOk())).as("a prepared authority joins the bundle")
        .isEqualTo(2);
    assertThat(partner.admin("federation", "refresh", "-id", "example.org").requireOk().stdout())
        .contains("Bundle refreshed");
    assertThat(certificates(partner.admin("bundle", "list", "-id", "spiffe://example.org").requireOk()))
        .as("the new authority arrived through the bundle endpoint").isEqualTo(2);
  }
}
