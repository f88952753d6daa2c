package dev.signet.server.cli.localauthority;

import dev.signet.proto.spire.api.server.localauthority.v1.*;
import dev.signet.proto.transport.AdminClient;
import dev.signet.server.cli.AdminCommand;
import dev.signet.server.cli.Printer;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code localauthority x509|jwt show|prepare|activate|taint|revoke}, as {@code spire-server
 * localauthority}: manual CA rotation and the emergency path for a compromised key (prepare, activate,
 * taint the old authority so agents rotate away from it, then revoke it).
 */
@Command(name = "localauthority", description = "Rotate this server's own X.509 and JWT signing authorities",
    subcommands = {LocalAuthorityCommands.X509.class, LocalAuthorityCommands.Jwt.class})
public final class LocalAuthorityCommands {
  private LocalAuthorityCommands() {}

  static void print(Printer out, String title, AuthorityState state) {
    out.line(title + ":");
    out.line("  Authority ID: " + state.getAuthorityId());
    out.line("  Expires at: " + Instant.ofEpochSecond(state.getExpiresAt()));
  }

  static void printState(Printer out, String kind, AuthorityState active, AuthorityState prepared,
      AuthorityState old) {
    print(out, "Active " + kind + " authority", active);
    if (!prepared.getAuthorityId().isEmpty()) {
      print(out, "Prepared " + kind + " authority", prepared);
    } else {
      out.line("Prepared " + kind + " authority:\n  No prepared authority found");
    }
    if (!old.getAuthorityId().isEmpty()) {
      print(out, "Old " + kind + " authority", old);
    } else {
      out.line("Old " + kind + " authority:\n  No old authority found");
    }
  }

  /** The X.509 commands. */
  @Command(name = "x509", description = "X.509 CA rotation: show, prepare, activate, taint, revoke", subcommands = {X509Show.class, X509Prepare.class,
      X509Activate.class, X509Taint.class, X509Revoke.class})
  public static final class X509 {}

  /** The JWT commands. */
  @Command(name = "jwt", description = "JWT signing key rotation: show, prepare, activate, taint, revoke", subcommands = {JwtShow.class, JwtPrepare.class,
      JwtActivate.class, JwtTaint.class, JwtRevoke.class})
  public static final class Jwt {}

  /** A command that names an authority with {@code -authorityID}. */
  abstract static class ById extends AdminCommand {
    @Option(names = {"-authorityID", "--authorityID"}, required = true, description = "Authority to act on (as printed by show)")
    String authorityId;
  }

  @Command(name = "show", description = "Print the active, prepared and old X.509 authorities")
  static final class X509Show extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      GetX509AuthorityStateResponse r = client.localAuthority()
          .getX509AuthorityState(GetX509AuthorityStateRequest.getDefaultInstance());
      if (out.json()) {
        out.json(r);
      } else {
        printState(out, "X.509", r.getActive(), r.getPrepared(), r.getOld());
      }
      return 0;
    }
  }

  @Command(name = "prepare", description = "Create the next X.509 authority without using it yet")
  static final class X509Prepare extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().prepareX509Authority(PrepareX509AuthorityRequest.getDefaultInstance());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Prepared X.509 authority", r.getPreparedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "activate", description = "Start signing with the prepared X.509 authority")
  static final class X509Activate extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().activateX509Authority(ActivateX509AuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Activated X.509 authority", r.getActivatedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "taint", description = "Flag the old X.509 authority so agents rotate away from it")
  static final class X509Taint extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().taintX509Authority(TaintX509AuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Tainted X.509 authority", r.getTaintedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Drop a tainted X.509 authority from the bundle")
  static final class X509Revoke extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().revokeX509Authority(RevokeX509AuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Revoked X.509 authority", r.getRevokedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "show", description = "Print the active, prepared and old JWT authorities")
  static final class JwtShow extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      GetJWTAuthorityStateResponse r = client.localAuthority()
          .getJWTAuthorityState(GetJWTAuthorityStateRequest.getDefaultInstance());
      if (out.json()) {
        out.json(r);
      } else {
        printState(out, "JWT", r.getActive(), r.getPrepared(), r.getOld());
      }
      return 0;
    }
  }

  @Command(name = "prepare", description = "Create the next JWT signing key without using it yet")
  static final class JwtPrepare extends AdminCommand {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().prepareJWTAuthority(PrepareJWTAuthorityRequest.getDefaultInstance());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Prepared JWT authority", r.getPreparedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "activate", description = "Start signing with the prepared JWT key")
  static final class JwtActivate extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().activateJWTAuthority(ActivateJWTAuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Activated JWT authority", r.getActivatedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "taint", description = "Flag the old JWT key so agents rotate away from it")
  static final class JwtTaint extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().taintJWTAuthority(TaintJWTAuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Tainted JWT authority", r.getTaintedAuthority());
      }
      return 0;
    }
  }

  @Command(name = "revoke", description = "Drop a tainted JWT key from the bundle")
  static final class JwtRevoke extends ById {
    @Override
    protected int run(AdminClient client, Printer out) {
      var r = client.localAuthority().revokeJWTAuthority(RevokeJWTAuthorityRequest.newBuilder()
          .setAuthorityId(authorityId).build());
      if (out.json()) {
        out.json(r);
      } else {
        print(out, "Revoked JWT authority", r.getRevokedAuthority());
      }
      return 0;
    }
  }
}
