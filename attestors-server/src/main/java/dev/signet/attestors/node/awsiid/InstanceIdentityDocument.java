package dev.signet.attestors.node.awsiid;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The fields of an EC2 instance identity document that attestation uses (AWS's JSON names). Only ever built
 * from bytes whose signature was checked; the values end up in the agent ID and selectors, so each is
 * checked to be a plausible AWS identifier (no '/', no whitespace) before it is used.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record InstanceIdentityDocument(
    @JsonProperty("accountId") String accountId,
    @JsonProperty("region") String region,
    @JsonProperty("availabilityZone") String availabilityZone,
    @JsonProperty("instanceId") String instanceId,
    @JsonProperty("imageId") String imageId,
    @JsonProperty("instanceType") String instanceType,
    @JsonProperty("privateIp") String privateIp,
    @JsonProperty("pendingTime") String pendingTime) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** @throws AttestationException INVALID_ARGUMENT when the bytes are not a usable identity document */
  static InstanceIdentityDocument parse(byte[] json) {
    InstanceIdentityDocument document;
    try {
      document = JSON.readValue(json, InstanceIdentityDocument.class);
    } catch (JsonProcessingException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to unmarshal the instance identity document: "
          + e.getOriginalMessage());
    } catch (IOException e) {
      throw AttestationException.invalid(AwsIid.NAME + ": failed to unmarshal the instance identity document: "
          + e.getMessage());
    }
    if (document == null) {
      throw AttestationException.invalid(AwsIid.NAME + ": the instance identity document is empty");
    }
    require("accountId", document.accountId());
    require("region", document.region());
    require("instanceId", document.instanceId());
    optional("availabilityZone", document.availabilityZone());
    optional("imageId", document.imageId());
    return document;
  }

  private static void require(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw AttestationException.invalid(AwsIid.NAME + ": the instance identity document has no " + field);
    }
    optional(field, value);
  }

  private static void optional(String field, String value) {
    if (value != null && !value.isEmpty() && !IDENTIFIER.matcher(value).matches()) {
      throw AttestationException.invalid(AwsIid.NAME + ": the instance identity document's " + field + " \""
          + value + "\" is not an AWS identifier");
    }
  }

  static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
