package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.secret.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceBlockDeviceMapping;
import software.amazon.awssdk.services.ec2.model.InstanceNetworkInterface;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.Role;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * {@link Ec2Api} through the AWS SDK v2 on the JDK's URL connection. One EC2 and one IAM client per account and
 * region, made on first use: with {@code assume_role} each account's clients act as
 * {@code arn:<partition>:iam::<account>:role/<assume_role>} (through STS), as SPIRE's do; otherwise as the
 * configured keys or the SDK's default credential chain. Each call has a 5-second deadline and up to
 * {@link #ATTEMPTS} attempts.
 */
final class AwsSdkEc2Api implements Ec2Api {
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  /** Attempts per AWS call, the first included. */
  static final int ATTEMPTS = 3;
  private static final Set<String> NOT_FOUND = Set.of("InvalidInstanceID.NotFound", "InvalidInstanceID.Malformed");

  /** Where and as whom to call AWS; endpoints are null for AWS's own. */
  record Settings(String accessKeyId, Secret secretAccessKey, String assumeRole, String partition,
      URI ec2Endpoint, URI iamEndpoint, URI stsEndpoint) {}

  private record Clients(Ec2Client ec2, IamClient iam) {}

  private final Settings settings;
  private final SdkHttpClient http;
  private final Map<String, Clients> clients = new ConcurrentHashMap<>();

  AwsSdkEc2Api(Settings settings) {
    this.settings = settings;
    this.http = httpClient();
  }

  /** The JDK-based HTTP client every AWS call here goes through, with the call deadline as its timeouts. */
  static SdkHttpClient httpClient() {
    return UrlConnectionHttpClient.builder().connectionTimeout(CALL_TIMEOUT).socketTimeout(CALL_TIMEOUT).build();
  }

  @Override
  public Optional<Instance> describeInstance(String region, String accountId, String instanceId) {
    Ec2Client ec2 = clients(region, accountId).ec2();
    DescribeInstancesResponse response = call("DescribeInstances", region, accountId, () -> ec2.describeInstances(
        request -> request.instanceIds(instanceId)
            .filters(Filter.builder().name("instance-state-name").values("pending", "running").build())),
        true);
    if (response == null) {
      return Optional.empty();
    }
    for (Reservation reservation : response.reservations()) {
      for (software.amazon.awssdk.services.ec2.model.Instance instance : reservation.instances()) {
        if (instanceId.equals(instance.instanceId())) {
          return Optional.of(convert(instance));
        }
      }
    }
    return Optional.empty();
  }

  @Override
  public List<String> instanceProfileRoleArns(String region, String accountId, String instanceProfileName) {
    IamClient iam = clients(region, accountId).iam();
    var response = call("GetInstanceProfile", region, accountId,
        () -> iam.getInstanceProfile(request -> request.instanceProfileName(instanceProfileName)), false);
    List<String> arns = new ArrayList<>();
    for (Role role : response.instanceProfile().roles()) {
      if (role.arn() != null) {
        arns.add(role.arn());
      }
    }
    return arns;
  }

  private static Instance convert(software.amazon.awssdk.services.ec2.model.Instance instance) {
    Map<String, String> tags = new LinkedHashMap<>();
    instance.tags().forEach(tag -> {
      if (tag.key() != null && tag.value() != null) {
        tags.put(tag.key(), tag.value());
      }
    });
    List<SecurityGroup> groups = instance.securityGroups().stream()
        .map(group -> new SecurityGroup(orEmpty(group.groupId()), orEmpty(group.groupName()))).toList();
    List<BlockDevice> devices = new ArrayList<>();
    for (InstanceBlockDeviceMapping mapping : instance.blockDeviceMappings()) {
      devices.add(new BlockDevice(orEmpty(mapping.deviceName()), mapping.ebs() == null ? null : mapping.ebs().attachTime()));
    }
    List<NetworkInterface> interfaces = new ArrayList<>();
    for (InstanceNetworkInterface networkInterface : instance.networkInterfaces()) {
      var attachment = networkInterface.attachment();
      interfaces.add(new NetworkInterface(attachment == null ? null : attachment.deviceIndex(),
          attachment == null ? null : attachment.attachTime()));
    }
    return new Instance(tags, groups,
        instance.iamInstanceProfile() == null ? "" : orEmpty(instance.iamInstanceProfile().arn()),
        orEmpty(instance.rootDeviceTypeAsString()), orEmpty(instance.rootDeviceName()), devices, interfaces);
  }

  private Clients clients(String region, String accountId) {
    return clients.computeIfAbsent(accountId + "@" + region, key -> {
      AwsCredentialsProvider credentials = credentials(region, accountId);
      return new Clients(build(Ec2Client.builder(), http, credentials, region, settings.ec2Endpoint()),
          build(IamClient.builder(), http, credentials, region, settings.iamEndpoint()));
    });
  }

  /**
   * Builds an SDK client the way every AWS client here is built: on {@code http}, as {@code credentials}, in
   * {@code region}, with the {@link #CALL_TIMEOUT} per call and the SDK's standard retries ({@link #ATTEMPTS}
   * attempts in all, with back-off, on throttling and AWS's own failures), sent to {@code endpoint} when it is
   * not null (AWS's own endpoint for the region otherwise).
   */
  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, SdkHttpClient http,
      AwsCredentialsProvider credentials, String region, URI endpoint) {
    builder.region(Region.of(region)).httpClient(http).credentialsProvider(credentials)
        .overrideConfiguration(c -> c.apiCallTimeout(CALL_TIMEOUT)
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(ATTEMPTS).build()));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.build();
  }

  private AwsCredentialsProvider credentials(String region, String accountId) {
    return credentials(settings, http, region, accountId, settings.assumeRole());
  }

  /**
   * The credentials to call AWS with in {@code accountId}: the configured keys (or the SDK's default chain),
   * or, with a {@code role} name, temporary ones from STS AssumeRole for
   * {@code arn:<partition>:iam::<accountId>:role/<role>} (session name {@code signet-aws-iid}), refreshed by
   * the SDK before they expire.
   */
  static AwsCredentialsProvider credentials(Settings settings, SdkHttpClient http, String region, String accountId,
      String role) {
    AwsCredentialsProvider base = settings.accessKeyId().isEmpty()
        ? DefaultCredentialsProvider.builder().build()
        : StaticCredentialsProvider.create(AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey().reveal()));
    if (role.isEmpty()) {
      return base;
    }
    StsClient sts = build(StsClient.builder(), http, base, region, settings.stsEndpoint());
    String roleArn = "arn:" + settings.partition() + ":iam::" + accountId + ":role/" + role;
    return StsAssumeRoleCredentialsProvider.builder().stsClient(sts)
        .refreshRequest(request -> request.roleArn(roleArn).roleSessionName("signet-aws-iid")).build();
  }

  /** Runs one AWS call; null when {@code notFoundIsEmpty} and AWS says the instance does not exist. */
  private static <T> T call(String operation, String region, String accountId, Supplier<T> call,
      boolean notFoundIsEmpty) {
    try {
      return call.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (notFoundIsEmpty && NOT_FOUND.contains(code)) {
        return null;
      }
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME + ": " + operation
          + " in account " + accountId + ", region " + region + " failed: " + code + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkException e) {
      throw new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME + ": " + operation
          + " in account " + accountId + ", region " + region + " failed: " + e.getMessage(), e);
    }
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }
}
