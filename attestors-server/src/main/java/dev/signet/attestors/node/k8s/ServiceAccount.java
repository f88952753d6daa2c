package dev.signet.attestors.node.k8s;

import dev.signet.attestors.node.AttestationException;

/**
 * A Kubernetes service account, written {@code namespace:name} as in {@code service_account_allow_list}.
 */
record ServiceAccount(String namespace, String name) {
  private static final String USERNAME_PREFIX = "system:serviceaccount:";

  ServiceAccount {
    if (namespace == null || namespace.isEmpty() || name == null || name.isEmpty()) {
      throw new IllegalArgumentException("service account needs a namespace and a name");
    }
  }

  /**
   * From the username the API server reports for a service account token
   * ({@code system:serviceaccount:<namespace>:<name>}).
   *
   * @throws AttestationException PERMISSION_DENIED for any other user: a token of a person or a node is not
   *     an agent's service account
   */
  static ServiceAccount fromUsername(String plugin, String username) {
    String rest = username == null || !username.startsWith(USERNAME_PREFIX) ? ""
        : username.substring(USERNAME_PREFIX.length());
    String[] parts = rest.split(":", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw AttestationException.denied(plugin + ": token of \"" + username + "\" is not a service account token");
    }
    return new ServiceAccount(parts[0], parts[1]);
  }

  /**
   * @throws AttestationException PERMISSION_DENIED unless this account is on the cluster's
   *     {@code service_account_allow_list}
   */
  void requireAllowed(String plugin, String cluster, java.util.Set<String> allowList) {
    if (!allowList.contains(toString())) {
      throw AttestationException.denied(plugin + ": service account \"" + this + "\" is not allowed in cluster \""
          + cluster + "\"");
    }
  }

  @Override
  public String toString() {
    return namespace + ":" + name;
  }
}
