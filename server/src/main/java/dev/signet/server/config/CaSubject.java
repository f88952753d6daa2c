package dev.signet.server.config;

import java.util.List;

/** The subject of CA certificates ({@code ca_subject}); SPIRE's default is C=US, O=SPIFFE. */
public record CaSubject(List<String> country, List<String> organization, String commonName) {
  public static final CaSubject DEFAULT = new CaSubject(List.of("US"), List.of("SPIFFE"), "");

  public CaSubject {
    country = List.copyOf(country);
    organization = List.copyOf(organization);
    commonName = commonName == null ? "" : commonName;
  }

  /** RFC 4514 form, e.g. {@code CN=x,O=SPIFFE,C=US}. */
  public String toX500Name() {
    StringBuilder name = new StringBuilder();
    if (!commonName.isEmpty()) {
      name.append("CN=").append(escape(commonName));
    }
    organization.forEach(o -> append(name, "O", o));
    country.forEach(c -> append(name, "C", c));
    return name.toString();
  }

  private static void append(StringBuilder name, String attribute, String value) {
    if (!name.isEmpty()) {
      name.append(',');
    }
    name.append(attribute).append('=').append(escape(value));
  }

  private static String escape(String value) {
    return value.replaceAll("([,+\"\\\\<>;=])", "\\\\$1");
  }
}
