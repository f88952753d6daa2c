package dev.signet.attestors.node.awsiid;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for the EC2, IAM and STS Query APIs (JDK classes only, so the end-to-end tests can use it
 * too): {@code POST /} with a form body, answering {@code Action=DescribeInstances} with a real-shaped
 * {@code DescribeInstancesResponse} (only the requested instance, only while it is pending or running, and
 * {@code InvalidInstanceID.NotFound} for one it never heard of), {@code Action=GetInstanceProfile} with a
 * {@code GetInstanceProfileResponse}, and {@code Action=AssumeRole} with temporary credentials for the roles
 * allowed by {@link #allowRole} ({@code AccessDenied} for others). Requests without a SigV4
 * {@code Authorization} header are refused (403), and so are requests carrying a session token it never
 * issued. {@link #calls()} records who signed each request.
 */
public final class FakeAwsApi implements AutoCloseable {
  /** One instance as DescribeInstances would show it. */
  public record Instance(String id, String state, Map<String, String> tags, String securityGroupId,
      String securityGroupName, String instanceProfileArn, Instant interfaceAttached, int interfaceDeviceIndex,
      Instant rootVolumeAttached) {
    /** A running EBS-backed instance whose root volume came with it. */
    public static Instance running(String id, Map<String, String> tags) {
      Instant launched = Instant.parse("2026-11-25T12:00:00Z");
      return new Instance(id, "running", tags, "sg-0a1b2c3d", "web", "", launched, 0, launched.plusSeconds(2));
    }

    public Instance withInstanceProfile(String arn) {
      return new Instance(id, state, tags, securityGroupId, securityGroupName, arn, interfaceAttached,
          interfaceDeviceIndex, rootVolumeAttached);
    }

    public Instance withRootVolumeAttached(Instant at) {
      return new Instance(id, state, tags, securityGroupId, securityGroupName, instanceProfileArn, interfaceAttached,
          interfaceDeviceIndex, at);
    }

    public Instance inState(String newState) {
      return new Instance(id, newState, tags, securityGroupId, securityGroupName, instanceProfileArn,
          interfaceAttached, interfaceDeviceIndex, rootVolumeAttached);
    }
  }

  /**
   * One request: its action, the access key ID that signed it, the service and region of its SigV4 scope,
   * and its session token ("" without).
   */
  public record Call(String action, String accessKeyId, String service, String region, String sessionToken) {}

  private final HttpServer server;
  private final Set<String> assumableRoles = ConcurrentHashMap.newKeySet();
  private final Set<String> issuedTokens = ConcurrentHashMap.newKeySet();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  /** Account ID → the JSON fields that describe its state ("Status":"ACTIVE", or "State":"ACTIVE", or both). */
  private final Map<String, String> organizationAccounts = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final java.util.concurrent.atomic.AtomicInteger organizationsThrottles = new java.util.concurrent.atomic.AtomicInteger();
  private volatile String organizationsFailure;
  /** EKS: cluster → node group → its Auto Scaling group names; Auto Scaling: group → instance IDs. */
  private final Map<String, Map<String, List<String>>> eksClusters = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final Map<String, List<String>> autoScalingGroups = new ConcurrentHashMap<>();
  private volatile String autoScalingPrologue = "";
  private final Map<String, Instance> instances = new ConcurrentHashMap<>();
  private final Map<String, List<String>> profiles = new ConcurrentHashMap<>();
  private final List<Map<String, String>> requests = new CopyOnWriteArrayList<>();
  private volatile int failStatus;
  private volatile String failCode;

  public FakeAwsApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public URI endpoint() {
    return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
  }

  public FakeAwsApi add(Instance instance) {
    instances.put(instance.id(), instance);
    return this;
  }

  public FakeAwsApi addInstanceProfile(String name, String... roleArns) {
    profiles.put(name, List.of(roleArns));
    return this;
  }

  /** Lets AssumeRole hand out credentials for {@code roleArn}. */
  public FakeAwsApi allowRole(String roleArn) {
    assumableRoles.add(roleArn);
    return this;
  }

  /** An account of the organization ListAccounts lists, with its status (ACTIVE, SUSPENDED, PENDING_CLOSURE). */
  public FakeAwsApi addOrganizationAccount(String accountId, String status) {
    organizationAccounts.put(accountId, "\"Status\":\"" + status + "\"");
    return this;
  }

  /** An account described as AWS does since it retired {@code Status}: with {@code State} only. */
  public FakeAwsApi addOrganizationAccountWithState(String accountId, String state) {
    organizationAccounts.put(accountId, "\"State\":\"" + state + "\"");
    return this;
  }

  /** An EKS node group of {@code cluster} backed by the Auto Scaling group {@code group} holding {@code instances}. */
  public FakeAwsApi addEksNodegroup(String cluster, String nodegroup, String group, String... instances) {
    eksClusters.computeIfAbsent(cluster, c -> new java.util.concurrent.ConcurrentSkipListMap<>())
        .computeIfAbsent(nodegroup, n -> new CopyOnWriteArrayList<>()).add(group);
    autoScalingGroups.computeIfAbsent(group, g -> new CopyOnWriteArrayList<>()).addAll(List.of(instances));
    return this;
  }

  /** The next {@code times} ListAccounts calls are throttled (HTTP 400, TooManyRequestsException). */
  public void throttleOrganizations(int times) {
    organizationsThrottles.set(times);
  }

  /** Every following ListAccounts call fails with this error type (HTTP 400); STS keeps working. */
  public void failOrganizationsWith(String errorType) {
    organizationsFailure = errorType;
  }

  /** Each request's action and signer, in order. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** The access key ID AssumeRole issues for a role. */
  public static String assumedAccessKeyId(String roleArn) {
    return "ASIA" + Integer.toHexString(roleArn.hashCode()).toUpperCase(java.util.Locale.ROOT);
  }

  /** Every following request fails with this HTTP status and AWS error code. */
  public void failWith(int status, String code) {
    failStatus = status;
    failCode = code;
  }

  /** The form parameters of each request received. */
  public List<Map<String, String>> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      String path = exchange.getRequestURI().getRawPath();
      boolean eks = path.startsWith("/clusters/");
      Map<String, String> form = eks ? Map.of("Action", path.endsWith("/node-groups") ? "ListNodegroups"
          : "DescribeNodegroup", "Path", exchange.getRequestURI().toString())
          : target == null ? form(body) : Map.of("Action", target.substring(target.indexOf('.') + 1), "Body", body);
      requests.add(form);
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 ")) {
        respond(exchange, 403, error("AuthFailure", "AWS was not able to validate the provided access credentials"));
        return;
      }
      String token = java.util.Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"), "");
      String[] scope = scope(authorization);
      calls.add(new Call(form.getOrDefault("Action", ""), scope[0], scope[2], scope[1], token));
      if (!token.isEmpty() && !issuedTokens.contains(token)) {
        respond(exchange, 403, error("AuthFailure", "The security token included in the request is invalid"));
        return;
      }
      if (failCode != null && eks) { // REST-JSON: the error type in a header, the message in the body
        exchange.getResponseHeaders().add("x-amzn-ErrorType", failCode + ":http://internal.amazon.com/coral/");
        respondJson(exchange, failStatus, "application/json", "{\"message\":\"injected failure\"}");
        return;
      }
      if (failCode != null) {
        respond(exchange, failStatus, error(failCode, "injected failure"));
        return;
      }
      if (target != null) {
        organizations(exchange, target, body);
        return;
      }
      if (eks) {
        eks(exchange, path);
        return;
      }
      if ("GET".equals(exchange.getRequestMethod())) { // no such resource here: a plain 404, as a wrong endpoint gives
        respond(exchange, 404, "<html><body>Not Found</body></html>");
        return;
      }
      switch (form.getOrDefault("Action", "")) {
        case "DescribeInstances" -> describeInstances(exchange, form);
        case "GetInstanceProfile" -> getInstanceProfile(exchange, form);
        case "AssumeRole" -> assumeRole(exchange, form);
        case "DescribeAutoScalingGroups" -> describeAutoScalingGroups(exchange, form);
        default -> respond(exchange, 400, error("InvalidAction", "unsupported action " + form.get("Action")));
      }
    }
  }

  /** Organizations' JSON API: ListAccounts, two accounts a page, NextToken "page-N". */
  private void organizations(HttpExchange exchange, String target, String body) throws IOException {
    if (!"AWSOrganizationsV20161128.ListAccounts".equals(target)
        || !"application/x-amz-json-1.1".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
      respondJson(exchange, 400, "{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
      return;
    }
    if (organizationsFailure != null) {
      respondJson(exchange, 400, "{\"__type\":\"com.amazonaws.organizations.v20161128#" + organizationsFailure
          + "\",\"Message\":\"injected\"}");
      return;
    }
    if (organizationsThrottles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      respondJson(exchange, 400, "{\"__type\":\"com.amazonaws.organizations.v20161128#TooManyRequestsException\","
          + "\"Message\":\"Rate exceeded\"}");
      return;
    }
    java.util.regex.Matcher token = java.util.regex.Pattern.compile("\"NextToken\"\\s*:\\s*\"page-(\\d+)\"").matcher(body);
    int page = token.find() ? Integer.parseInt(token.group(1)) : 0;
    List<Map.Entry<String, String>> all = List.copyOf(organizationAccounts.entrySet());
    StringBuilder json = new StringBuilder("{\"Accounts\":[");
    for (int i = page * 2; i < Math.min(all.size(), page * 2 + 2); i++) {
      if (i > page * 2) {
        json.append(',');
      }
      Map.Entry<String, String> account = all.get(i);
      json.append("{\"Id\":\"").append(account.getKey()).append("\",\"Arn\":\"arn:aws:organizations::999999999999:account/o-example/")
          .append(account.getKey()).append("\",\"Email\":\"a").append(account.getKey()).append("@example.com\",")
          .append("\"Name\":\"account\",").append(account.getValue())
          .append(",\"JoinedMethod\":\"INVITED\",\"JoinedTimestamp\":1.7645E9}");
    }
    json.append(']');
    if (page * 2 + 2 < all.size()) {
      json.append(",\"NextToken\":\"page-").append(page + 1).append('"');
    }
    respondJson(exchange, 200, json.append('}').toString());
  }

  /** EKS REST: ListNodegroups (one a page, so paging is exercised) and DescribeNodegroup; 404 for unknown names. */
  private void eks(HttpExchange exchange, String path) throws IOException {
    String[] parts = path.split("/"); // "", "clusters", name, "node-groups"[, nodegroup]
    Map<String, List<String>> nodegroups = parts.length >= 4 ? eksClusters.get(URLDecoder.decode(parts[2],
        StandardCharsets.UTF_8)) : null;
    if (nodegroups == null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/");
      respondJson(exchange, 404, "application/json", "{\"message\":\"No cluster found for name: " + parts[2] + ".\"}");
      return;
    }
    if (parts.length == 4) {
      List<String> names = List.copyOf(nodegroups.keySet());
      String query = java.util.Objects.requireNonNullElse(exchange.getRequestURI().getRawQuery(), "");
      java.util.regex.Matcher token = java.util.regex.Pattern.compile("nextToken=([0-9]+)").matcher(query);
      int index = token.find() ? Integer.parseInt(token.group(1)) : 0;
      String next = index + 1 < names.size() ? ",\"nextToken\":\"" + (index + 1) + "\"" : "";
      respondJson(exchange, 200, "application/json", "{\"nodegroups\":[\"" + names.get(index) + "\"]" + next + "}");
      return;
    }
    List<String> groups = nodegroups.get(URLDecoder.decode(parts[4], StandardCharsets.UTF_8));
    if (groups == null) {
      exchange.getResponseHeaders().add("x-amzn-ErrorType", "ResourceNotFoundException:http://internal.amazon.com/coral/");
      respondJson(exchange, 404, "application/json", "{\"message\":\"No node group found for name: " + parts[4] + ".\"}");
      return;
    }
    StringBuilder json = new StringBuilder("{\"nodegroup\":{\"nodegroupName\":\"" + parts[4]
        + "\",\"clusterName\":\"" + parts[2] + "\",\"status\":\"ACTIVE\",\"resources\":{\"autoScalingGroups\":[");
    for (int i = 0; i < groups.size(); i++) {
      json.append(i == 0 ? "" : ",").append("{\"name\":\"").append(groups.get(i)).append("\"}");
    }
    respondJson(exchange, 200, "application/json", json.append("]}}}").toString());
  }

  /** Auto Scaling's Query API: the named groups with their instances, one group a page (NextToken "N"). */
  private void describeAutoScalingGroups(HttpExchange exchange, Map<String, String> form) throws IOException {
    List<String> named = new ArrayList<>();
    for (int i = 1; form.containsKey("AutoScalingGroupNames.member." + i); i++) {
      if (autoScalingGroups.containsKey(form.get("AutoScalingGroupNames.member." + i))) {
        named.add(form.get("AutoScalingGroupNames.member." + i));
      }
    }
    int page = form.containsKey("NextToken") ? Integer.parseInt(form.get("NextToken")) : 0;
    StringBuilder xml = new StringBuilder(autoScalingPrologue).append("<DescribeAutoScalingGroupsResponse xmlns=")
        .append("\"http://autoscaling.amazonaws.com/doc/2011-01-01/\"><DescribeAutoScalingGroupsResult><AutoScalingGroups>");
    if (page < named.size()) {
      xml.append("<member><AutoScalingGroupName>").append(named.get(page)).append("</AutoScalingGroupName><Instances>");
      for (String instance : autoScalingGroups.get(named.get(page))) {
        xml.append("<member><InstanceId>").append(instance).append("</InstanceId><LifecycleState>InService")
            .append("</LifecycleState><HealthStatus>Healthy</HealthStatus></member>");
      }
      xml.append("</Instances></member>");
    }
    xml.append("</AutoScalingGroups>");
    if (page + 1 < named.size()) {
      xml.append("<NextToken>").append(page + 1).append("</NextToken>");
    }
    respond(exchange, 200, xml.append("</DescribeAutoScalingGroupsResult><ResponseMetadata><RequestId>example")
        .append("</RequestId></ResponseMetadata></DescribeAutoScalingGroupsResponse>").toString());
  }

  /** Text put before Auto Scaling's XML answers (a DOCTYPE, say, to see it refused). */
  public void prefixAutoScalingAnswers(String prologue) {
    autoScalingPrologue = prologue;
  }

  private static void respondJson(HttpExchange exchange, int status, String body) throws IOException {
    respondJson(exchange, status, "application/x-amz-json-1.1", body);
  }

  private static void respondJson(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private void describeInstances(HttpExchange exchange, Map<String, String> form) throws IOException {
    String id = form.get("InstanceId.1");
    Instance instance = instances.get(id);
    if (instance == null) {
      respond(exchange, 400, error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist"));
      return;
    }
    List<String> states = new ArrayList<>();
    for (int i = 1; form.containsKey("Filter.1.Value." + i); i++) {
      states.add(form.get("Filter.1.Value." + i));
    }
    boolean visible = !"instance-state-name".equals(form.get("Filter.1.Name")) || states.contains(instance.state());
    StringBuilder xml = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8"?>
        <DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
            <requestId>8f7724cf-496f-496e-8fe3-example</requestId>
            <reservationSet>
        """);
    if (visible) {
      xml.append("""
                  <item>
                      <reservationId>r-1234567890abcdef0</reservationId>
                      <ownerId>123456789012</ownerId>
                      <groupSet/>
                      <instancesSet>
                          <item>
                              <instanceId>%s</instanceId>
                              <imageId>ami-0abcdef1234567890</imageId>
                              <instanceState><code>16</code><name>%s</name></instanceState>
                              <instanceType>t3.micro</instanceType>
                              <placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>
                              <rootDeviceType>ebs</rootDeviceType>
                              <rootDeviceName>/dev/xvda</rootDeviceName>
                              <blockDeviceMapping>
                                  <item>
                                      <deviceName>/dev/xvda</deviceName>
                                      <ebs><volumeId>vol-1234567890abcdef0</volumeId><status>attached</status>
                                      <attachTime>%s</attachTime><deleteOnTermination>true</deleteOnTermination></ebs>
                                  </item>
                              </blockDeviceMapping>
                              %s
                              <networkInterfaceSet>
                                  <item>
                                      <networkInterfaceId>eni-1234567890abcdef0</networkInterfaceId>
                                      <attachment><attachmentId>eni-attach-0123</attachmentId><deviceIndex>%d</deviceIndex>
                                      <status>attached</status><attachTime>%s</attachTime>
                                      <deleteOnTermination>true</deleteOnTermination></attachment>
                                  </item>
                              </networkInterfaceSet>
                              <groupSet><item><groupId>%s</groupId><groupName>%s</groupName></item></groupSet>
                              <tagSet>%s</tagSet>
                          </item>
                      </instancesSet>
                  </item>
          """.formatted(instance.id(), instance.state(), instance.rootVolumeAttached(),
          instance.instanceProfileArn().isEmpty() ? ""
              : "<iamInstanceProfile><arn>" + instance.instanceProfileArn() + "</arn><id>AIPAEXAMPLE</id></iamInstanceProfile>",
          instance.interfaceDeviceIndex(), instance.interfaceAttached(), instance.securityGroupId(),
          instance.securityGroupName(), tags(instance.tags())));
    }
    xml.append("""
            </reservationSet>
        </DescribeInstancesResponse>
        """);
    respond(exchange, 200, xml.toString());
  }

  private void getInstanceProfile(HttpExchange exchange, Map<String, String> form) throws IOException {
    String name = form.get("InstanceProfileName");
    List<String> roles = profiles.get(name);
    if (roles == null) {
      respond(exchange, 404, "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
          + "<Code>NoSuchEntity</Code><Message>Instance Profile " + name + " cannot be found.</Message></Error>"
          + "<RequestId>example</RequestId></ErrorResponse>");
      return;
    }
    StringBuilder members = new StringBuilder();
    for (String arn : roles) {
      members.append("<member><Path>/</Path><RoleName>").append(arn.substring(arn.lastIndexOf('/') + 1))
          .append("</RoleName><RoleId>AROAEXAMPLE</RoleId><Arn>").append(arn)
          .append("</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate></member>");
    }
    respond(exchange, 200, """
        <GetInstanceProfileResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
          <GetInstanceProfileResult>
            <InstanceProfile>
              <InstanceProfileId>AIPAEXAMPLE</InstanceProfileId>
              <Roles>%s</Roles>
              <InstanceProfileName>%s</InstanceProfileName>
              <Path>/</Path>
              <Arn>arn:aws:iam::123456789012:instance-profile/%s</Arn>
              <CreateDate>2026-01-01T00:00:00Z</CreateDate>
            </InstanceProfile>
          </GetInstanceProfileResult>
          <ResponseMetadata><RequestId>example</RequestId></ResponseMetadata>
        </GetInstanceProfileResponse>
        """.formatted(members, name, name));
  }

  private void assumeRole(HttpExchange exchange, Map<String, String> form) throws IOException {
    String role = form.getOrDefault("RoleArn", "");
    String session = form.getOrDefault("RoleSessionName", "");
    if (!assumableRoles.contains(role)) {
      respond(exchange, 403, "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type>"
          + "<Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: " + role
          + "</Message></Error><RequestId>example</RequestId></ErrorResponse>");
      return;
    }
    String token = "session-" + java.util.UUID.randomUUID();
    issuedTokens.add(token);
    respond(exchange, 200, """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <AssumedRoleUser>
              <Arn>%s</Arn>
              <AssumedRoleId>AROAEXAMPLE:%s</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>%s</AccessKeyId>
              <SecretAccessKey>assumed-secret</SecretAccessKey>
              <SessionToken>%s</SessionToken>
              <Expiration>%s</Expiration>
            </Credentials>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>example</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """.formatted(role.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/") + "/" + session, session,
        assumedAccessKeyId(role), token, Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
  }

  /** [access key ID, region, service] from {@code Credential=<id>/<date>/<region>/<service>/aws4_request}. */
  private static String[] scope(String authorization) {
    int start = authorization.indexOf("Credential=");
    if (start < 0) {
      return new String[] {"", "", ""};
    }
    int end = authorization.indexOf(',', start);
    String[] parts = authorization.substring(start + "Credential=".length(), end < 0 ? authorization.length() : end)
        .split("/");
    return parts.length < 5 ? new String[] {"", "", ""} : new String[] {parts[0], parts[2], parts[3]};
  }

  private static String tags(Map<String, String> tags) {
    StringBuilder xml = new StringBuilder();
    tags.forEach((key, value) -> xml.append("<item><key>").append(key).append("</key><value>").append(value)
        .append("</value></item>"));
    return xml.toString();
  }

  private static String error(String code, String message) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>" + code + "</Code><Message>"
        + message + "</Message></Error></Errors><RequestID>example</RequestID></Response>";
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/xml;charset=UTF-8");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
