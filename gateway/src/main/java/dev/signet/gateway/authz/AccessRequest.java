package dev.signet.gateway.authz;

import dev.signet.common.spiffe.SpiffeId;
import java.util.Objects;

/**
 * One question to the policy engine: may {@code caller} do {@code action} on {@code resource} through the
 * route {@code route}? TCP routes ask once per connection ({@code connect} on the route's resource), HTTP
 * routes once per request (the method on the path).
 */
public record AccessRequest(String route, SpiffeId caller, String action, String resource) {
  public AccessRequest {
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(caller, "caller");
    if (action == null || action.isEmpty()) {
      throw new IllegalArgumentException("access request action is empty");
    }
    if (resource == null || resource.isEmpty()) {
      throw new IllegalArgumentException("access request resource is empty");
    }
  }
}
