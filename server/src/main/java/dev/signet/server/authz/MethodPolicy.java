package dev.signet.server.authz;

import static dev.signet.server.authz.Role.ADMIN;
import static dev.signet.server.authz.Role.AGENT;
import static dev.signet.server.authz.Role.ANY;
import static dev.signet.server.authz.Role.DOWNSTREAM;
import static dev.signet.server.authz.Role.LOCAL;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The roles allowed to call each server RPC (SPIRE's default policy). A method that is not listed is
 * refused to everyone: new RPCs are closed until someone decides who may call them.
 */
public final class MethodPolicy {
  private static final String SERVER = "spire.api.server.";
  private static final Map<String, Set<Role>> ROLES = new HashMap<>();

  static {
    Set<Role> management = EnumSet.of(LOCAL, ADMIN);
    service("agent.v1.Agent", management, "CountAgents", "ListAgents", "GetAgent", "DeleteAgent", "BanAgent",
        "CreateJoinToken");
    service("agent.v1.Agent", EnumSet.of(ANY), "AttestAgent");
    service("agent.v1.Agent", EnumSet.of(AGENT), "RenewAgent", "PostStatus");

    service("bundle.v1.Bundle", EnumSet.of(ANY), "GetBundle");
    service("bundle.v1.Bundle", management, "AppendBundle", "BatchCreateFederatedBundle",
        "BatchUpdateFederatedBundle", "BatchSetFederatedBundle", "BatchDeleteFederatedBundle");
    service("bundle.v1.Bundle", EnumSet.of(LOCAL, ADMIN, AGENT), "CountBundles", "ListFederatedBundles",
        "GetFederatedBundle");
    service("bundle.v1.Bundle", EnumSet.of(DOWNSTREAM), "PublishJWTAuthority");

    service("entry.v1.Entry", management, "CountEntries", "ListEntries", "GetEntry", "BatchCreateEntry",
        "BatchUpdateEntry", "BatchDeleteEntry");
    service("entry.v1.Entry", EnumSet.of(AGENT, DOWNSTREAM), "GetAuthorizedEntries", "SyncAuthorizedEntries");

    service("svid.v1.SVID", management, "MintX509SVID", "MintJWTSVID", "MintWITSVID");
    service("svid.v1.SVID", EnumSet.of(AGENT), "BatchNewX509SVID", "NewJWTSVID", "BatchNewWITSVID");
    service("svid.v1.SVID", EnumSet.of(DOWNSTREAM), "NewDownstreamX509CA");

    service("trustdomain.v1.TrustDomain", management, "ListFederationRelationships", "GetFederationRelationship",
        "BatchCreateFederationRelationship", "BatchUpdateFederationRelationship",
        "BatchDeleteFederationRelationship", "RefreshBundle");

    service("localauthority.v1.LocalAuthority", management, "GetJWTAuthorityState", "PrepareJWTAuthority",
        "ActivateJWTAuthority", "TaintJWTAuthority", "RevokeJWTAuthority", "GetX509AuthorityState",
        "PrepareX509Authority", "ActivateX509Authority", "TaintX509Authority", "TaintX509UpstreamAuthority",
        "RevokeX509Authority", "RevokeX509UpstreamAuthority", "GetWITAuthorityState", "PrepareWITAuthority",
        "ActivateWITAuthority", "TaintWITAuthority", "RevokeWITAuthority");

    service("logger.v1.Logger", management, "GetLogger", "SetLogLevel", "ResetLogLevel");
    service("debug.v1.Debug", EnumSet.of(LOCAL), "GetInfo");

    ROLES.put("grpc.health.v1.Health/Check", EnumSet.of(ANY));
    ROLES.put("grpc.health.v1.Health/Watch", EnumSet.of(ANY));
    ROLES.put("grpc.health.v1.Health/List", EnumSet.of(ANY));
    ROLES.put("signet.agent.push.v1.EntryPush/Watch", EnumSet.of(AGENT));
  }

  private MethodPolicy() {}

  private static void service(String service, Set<Role> roles, String... methods) {
    for (String method : methods) {
      ROLES.put(SERVER + service + "/" + method, roles);
    }
  }

  /** Roles allowed on a full method name ({@code package.Service/Method}); empty when nobody may call it. */
  public static Set<Role> rolesFor(String fullMethodName) {
    return ROLES.getOrDefault(fullMethodName, Set.of());
  }
}
