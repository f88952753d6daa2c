package dev.signet.attestors.node.awsiid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.signet.attestors.node.AttestationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;

/**
 * SPIRE's EKS membership check, made by hand on {@link AwsSignedHttp}: for each configured cluster, EKS
 * ListNodegroups and DescribeNodegroup (REST-JSON, SigV4 service {@code eks}) give the node groups' Auto
 * Scaling groups, and Auto Scaling DescribeAutoScalingGroups (Query API, service {@code autoscaling}) their
 * instances. Calls go to the document's account and region with the same credentials as EC2 (the
 * {@code assume_role} role in that account, when set). The attestor keeps the result for 30 s
 * ({@link RefreshingIdSet}, as SPIRE caches it). A cluster or node group AWS says does not exist there
 * (ResourceNotFoundException) is skipped, where SPIRE fails the attestation: a fleet spread over regions
 * then needs no per-region configuration, and a node still has to be found in a named cluster.
 */
final class AwsEksClient implements EksApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_PAGES = 100;
  /** Auto Scaling groups named per DescribeAutoScalingGroups call. */
  private static final int GROUPS_PER_CALL = 50;

  private final AwsSdkEc2Api.Settings settings;
  private final AwsIidConfig.EksValidation eks;
  private final SdkHttpClient http = AwsSdkEc2Api.httpClient();
  private final Map<String, AwsCredentialsProvider> credentials = new ConcurrentHashMap<>();

  AwsEksClient(AwsSdkEc2Api.Settings settings, AwsIidConfig.EksValidation eks) {
    this.settings = settings;
    this.eks = eks;
  }

  @Override
  public Set<String> nodeInstances(String region, String accountId) {
    long deadline = System.nanoTime() + RefreshingIdSet.READ_DEADLINE.toNanos();
    AwsCredentialsProvider caller = credentials.computeIfAbsent(accountId + "@" + region,
        key -> AwsSdkEc2Api.credentials(settings, http, region, accountId, settings.assumeRole()));
    List<String> groups = new ArrayList<>();
    for (String cluster : eks.clusterNames()) {
      for (String nodegroup : nodegroups(caller, region, cluster, deadline)) {
        groups.addAll(autoScalingGroups(caller, region, cluster, nodegroup, deadline));
      }
    }
    Set<String> instances = new HashSet<>();
    for (int from = 0; from < groups.size(); from += GROUPS_PER_CALL) {
      instances.addAll(groupInstances(caller, region, groups.subList(from, Math.min(groups.size(),
          from + GROUPS_PER_CALL)), deadline));
    }
    return instances;
  }

  private static void checkDeadline(long deadline, String region) {
    if (System.nanoTime() > deadline) {
      throw unavailable("reading the clusters' nodes", region, "took longer than "
          + RefreshingIdSet.READ_DEADLINE.toSeconds() + " s", null);
    }
  }

  private List<String> nodegroups(AwsCredentialsProvider caller, String region, String cluster, long deadline) {
    List<String> names = new ArrayList<>();
    String nextToken = "";
    for (int page = 0; page < MAX_PAGES; page++) {
      checkDeadline(deadline, region);
      String query = "?maxResults=100" + (nextToken.isEmpty() ? "" : "&nextToken=" + encode(nextToken));
      JsonNode response = eksGet(caller, region, "/clusters/" + encode(cluster) + "/node-groups" + query,
          "ListNodegroups");
      if (response == null) {
        return List.of(); // no such cluster in this account and region
      }
      response.path("nodegroups").forEach(name -> names.add(name.asText()));
      nextToken = response.path("nextToken").asText("");
      if (nextToken.isEmpty()) {
        return names;
      }
    }
    throw unavailable("ListNodegroups", region, "more than " + MAX_PAGES + " pages", null);
  }

  private List<String> autoScalingGroups(AwsCredentialsProvider caller, String region, String cluster,
      String nodegroup, long deadline) {
    checkDeadline(deadline, region);
    JsonNode response = eksGet(caller, region, "/clusters/" + encode(cluster) + "/node-groups/" + encode(nodegroup),
        "DescribeNodegroup");
    List<String> groups = new ArrayList<>();
    if (response != null) {
      response.path("nodegroup").path("resources").path("autoScalingGroups")
          .forEach(group -> groups.add(group.path("name").asText("")));
      groups.removeIf(String::isEmpty);
    }
    return groups;
  }

  /** A GET on the EKS API; null when AWS says the cluster or node group does not exist (ResourceNotFoundException). */
  private JsonNode eksGet(AwsCredentialsProvider caller, String region, String pathAndQuery, String operation) {
    URI base = eks.eksEndpoint() != null ? eks.eksEndpoint() : URI.create("https://eks." + region + domain(region));
    try {
      AwsSignedHttp.Response response = AwsSignedHttp.call(http, caller, SdkHttpMethod.GET,
          URI.create(base.toString().replaceAll("/$", "") + pathAndQuery), Map.of(), null, "eks", region);
      if (response.resourceNotFound()) {
        return null;
      }
      if (!response.ok()) {
        throw unavailable(operation, region, "HTTP " + response.status() + " " + response.text(), null);
      }
      return JSON.readTree(response.body());
    } catch (IOException | SdkException e) {
      throw unavailable(operation, region, e.getMessage(), e);
    }
  }

  private Set<String> groupInstances(AwsCredentialsProvider caller, String region, List<String> groups,
      long deadline) {
    URI endpoint = eks.autoscalingEndpoint() != null ? eks.autoscalingEndpoint()
        : URI.create("https://autoscaling." + region + domain(region));
    Set<String> instances = new HashSet<>();
    String nextToken = "";
    for (int page = 0; page < MAX_PAGES; page++) {
      checkDeadline(deadline, region);
      Map<String, String> form = new LinkedHashMap<>();
      form.put("Action", "DescribeAutoScalingGroups");
      form.put("Version", "2011-01-01");
      for (int i = 0; i < groups.size(); i++) {
        form.put("AutoScalingGroupNames.member." + (i + 1), groups.get(i));
      }
      if (!nextToken.isEmpty()) {
        form.put("NextToken", nextToken);
      }
      Document answer;
      try {
        AwsSignedHttp.Response response = AwsSignedHttp.call(http, caller, SdkHttpMethod.POST, endpoint,
            Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"), formBody(form),
            "autoscaling", region);
        if (!response.ok()) {
          throw unavailable("DescribeAutoScalingGroups", region, "HTTP " + response.status() + " " + response.text(),
              null);
        }
        answer = xml(response.body());
      } catch (IOException | SdkException e) {
        throw unavailable("DescribeAutoScalingGroups", region, e.getMessage(), e);
      }
      NodeList ids = answer.getElementsByTagName("InstanceId");
      for (int i = 0; i < ids.getLength(); i++) {
        instances.add(ids.item(i).getTextContent().trim());
      }
      NodeList token = answer.getElementsByTagName("NextToken");
      nextToken = token.getLength() == 0 ? "" : token.item(0).getTextContent().trim();
      if (nextToken.isEmpty()) {
        return instances;
      }
    }
    throw unavailable("DescribeAutoScalingGroups", region, "more than " + MAX_PAGES + " pages", null);
  }

  /** AWS's China regions (cn-*) are under amazonaws.com.cn, whatever the configured partition. */
  private static String domain(String region) {
    return region.startsWith("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  }

  private static byte[] formBody(Map<String, String> form) {
    StringBuilder body = new StringBuilder();
    form.forEach((key, value) -> body.append(body.isEmpty() ? "" : "&").append(encode(key)).append('=')
        .append(encode(value)));
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** An AWS XML answer, parsed with DTDs and external entities refused. */
  private static Document xml(byte[] body) throws IOException {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      return factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
    } catch (ParserConfigurationException | SAXException e) {
      throw new IOException("unreadable answer: " + e.getMessage(), e);
    }
  }

  private static AttestationException unavailable(String operation, String region, String detail, Throwable cause) {
    return new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME
        + ": validate_eks_cluster_membership: " + operation + " in region " + region + " failed: " + detail, cause);
  }
}
