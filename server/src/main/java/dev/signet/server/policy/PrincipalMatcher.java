package dev.signet.server.policy;

import dev.signet.common.spiffe.InvalidSpiffeIdException;
import dev.signet.common.spiffe.SpiffeId;
import dev.signet.common.spiffe.TrustDomain;

/**
 * Who a rule is for: an exact SPIFFE ID, a glob over SPIFFE IDs ({@code spiffe://td/payments/*}),
 * {@code prefix:spiffe://td/ops/}, {@code td:<trust domain>}, or {@code *} (anyone authenticated).
 */
sealed interface PrincipalMatcher {
  boolean matches(SpiffeId id);

  static PrincipalMatcher parse(String text) throws PolicyException {
    try {
      if (text.equals("*")) {
        return new Anyone();
      }
      if (text.startsWith("td:")) {
        TrustDomain domain = TrustDomain.parse(text.substring(3));
        return new InTrustDomain(domain);
      }
      if (text.startsWith("prefix:")) {
        String prefix = text.substring("prefix:".length());
        if (!prefix.startsWith(SpiffeId.SCHEME_PREFIX)) {
          throw new PolicyException("principal \"" + text + "\": a prefix must start with spiffe://");
        }
        return new Prefix(prefix);
      }
      if (text.indexOf('*') >= 0) {
        if (!text.startsWith(SpiffeId.SCHEME_PREFIX)) {
          throw new PolicyException("principal \"" + text + "\": a pattern must start with spiffe://");
        }
        return new Pattern(Glob.of(text));
      }
      return new Exact(SpiffeId.parse(text));
    } catch (InvalidSpiffeIdException e) {
      throw new PolicyException("principal \"" + text + "\" is not a SPIFFE ID: " + e.getMessage());
    }
  }

  record Anyone() implements PrincipalMatcher {
    public boolean matches(SpiffeId candidate) {
      return true;
    }
  }

  record Exact(SpiffeId id) implements PrincipalMatcher {
    public boolean matches(SpiffeId candidate) {
      return id.equals(candidate);
    }
  }

  record InTrustDomain(TrustDomain domain) implements PrincipalMatcher {
    public boolean matches(SpiffeId candidate) {
      return candidate.memberOf(domain);
    }
  }

  record Prefix(String prefix) implements PrincipalMatcher {
    public boolean matches(SpiffeId candidate) {
      return candidate.toString().startsWith(prefix);
    }
  }

  record Pattern(Glob glob) implements PrincipalMatcher {
    public boolean matches(SpiffeId candidate) {
      return glob.matches(candidate.toString());
    }
  }
}
