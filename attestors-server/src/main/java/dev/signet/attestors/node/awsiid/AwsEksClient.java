package dev.signet.attestors.node.awsiid;

import dev.signet.attestors.node.AttestationException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.DescribeNodegroupResponse;
import software.amazon.awssdk.services.eks.model.ListNodegroupsResponse;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * SPIRE's EKS membership check through the AWS SDK v2: for each configured cluster, EKS ListNodegroups and
 * DescribeNodegroup ({@link EksClient}) give the node groups' Auto Scaling groups, and Auto Scaling
 * DescribeAutoScalingGroups ({@link AutoScalingClient}), {@value #GROUPS_PER_CALL} groups a call, their
 * instances. One client of each per account and region, made on first use the way {@link AwsSdkEc2Api} makes
 * its EC2 client: same HTTP client, 5-second call deadline and retries, and the same credentials (the
 * {@code assume_role} role in the document's account, when set). Each listing stops with UNAVAILABLE after
 * {@value #MAX_PAGES} pages, and a whole read after {@link RefreshingIdSet#READ_DEADLINE}. The attestor keeps
 * the result for 30 s ({@link RefreshingIdSet}, as SPIRE caches it). A cluster or node group AWS says does not
 * exist there (ResourceNotFoundException) is skipped, where SPIRE fails the attestation: a fleet spread over
 * regions then needs no per-region configuration, and a node still has to be found in a named cluster. Any
 * other AWS error (a 404 without that error type, from a wrong endpoint, included) is UNAVAILABLE, naming the
 * call, the region and the cause.
 */
final class AwsEksClient implements EksApi {
  private static final int MAX_PAGES = 100;
  /** Auto Scaling groups named per DescribeAutoScalingGroups call. */
  private static final int GROUPS_PER_CALL = 50;
  /** Node groups asked for per ListNodegroups page (the API's maximum). */
  private static final int NODEGROUPS_PER_PAGE = 100;

  private record Clients(EksClient eks, AutoScalingClient autoScaling) {}

  private final AwsSdkEc2Api.Settings settings;
  private final AwsIidConfig.EksValidation config;
  private final SdkHttpClient http = AwsSdkEc2Api.httpClient();
  private final Map<String, Clients> clients = new ConcurrentHashMap<>();

  AwsEksClient(AwsSdkEc2Api.Settings settings, AwsIidConfig.EksValidation config) {
    this.settings = settings;
    this.config = config;
  }

  @Override
  public Set<String> nodeInstances(String region, String accountId) {
    long deadline = System.nanoTime() + RefreshingIdSet.READ_DEADLINE.toNanos();
    Clients aws = clients(region, accountId);
    List<String> groups = new ArrayList<>();
    for (String cluster : config.clusterNames()) {
      for (String nodegroup : nodegroups(aws.eks(), region, cluster, deadline)) {
        groups.addAll(autoScalingGroups(aws.eks(), region, cluster, nodegroup, deadline));
      }
    }
    Set<String> instances = new HashSet<>();
    for (int from = 0; from < groups.size(); from += GROUPS_PER_CALL) {
      instances.addAll(groupInstances(aws.autoScaling(), region,
          groups.subList(from, Math.min(groups.size(), from + GROUPS_PER_CALL)), deadline));
    }
    return instances;
  }

  private Clients clients(String region, String accountId) {
    return clients.computeIfAbsent(accountId + "@" + region, key -> {
      AwsCredentialsProvider credentials = AwsSdkEc2Api.credentials(settings, http, region, accountId,
          settings.assumeRole());
      return new Clients(AwsSdkEc2Api.build(EksClient.builder(), http, credentials, region, config.eksEndpoint()),
          AwsSdkEc2Api.build(AutoScalingClient.builder(), http, credentials, region, config.autoscalingEndpoint()));
    });
  }

  /** The cluster's node groups; none when AWS says the cluster does not exist in this account and region. */
  private static List<String> nodegroups(EksClient eks, String region, String cluster, long deadline) {
    List<String> names = new ArrayList<>();
    String nextToken = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      checkDeadline(deadline, region);
      String token = nextToken;
      ListNodegroupsResponse response = call("ListNodegroups", region, () -> eks.listNodegroups(
          request -> request.clusterName(cluster).maxResults(NODEGROUPS_PER_PAGE).nextToken(token)));
      if (response == null) {
        return List.of();
      }
      names.addAll(response.nodegroups());
      nextToken = response.nextToken();
      if (nextToken == null || nextToken.isEmpty()) {
        return names;
      }
    }
    throw unavailable("ListNodegroups", region, "more than " + MAX_PAGES + " pages", null);
  }

  /** The node group's Auto Scaling groups; none when AWS says the node group (or its cluster) does not exist. */
  private static List<String> autoScalingGroups(EksClient eks, String region, String cluster, String nodegroup,
      long deadline) {
    checkDeadline(deadline, region);
    DescribeNodegroupResponse response = call("DescribeNodegroup", region,
        () -> eks.describeNodegroup(request -> request.clusterName(cluster).nodegroupName(nodegroup)));
    List<String> groups = new ArrayList<>();
    if (response != null && response.nodegroup() != null && response.nodegroup().resources() != null) {
      response.nodegroup().resources().autoScalingGroups().forEach(group -> {
        if (group.name() != null && !group.name().isEmpty()) {
          groups.add(group.name());
        }
      });
    }
    return groups;
  }

  private static Set<String> groupInstances(AutoScalingClient autoScaling, String region, List<String> groups,
      long deadline) {
    Set<String> instances = new HashSet<>();
    String nextToken = null;
    for (int page = 0; page < MAX_PAGES; page++) {
      checkDeadline(deadline, region);
      String token = nextToken;
      DescribeAutoScalingGroupsResponse response = call("DescribeAutoScalingGroups", region,
          () -> autoScaling.describeAutoScalingGroups(request -> request.autoScalingGroupNames(groups).nextToken(token)));
      for (AutoScalingGroup group : response.autoScalingGroups()) {
        group.instances().forEach(instance -> {
          if (instance.instanceId() != null) {
            instances.add(instance.instanceId());
          }
        });
      }
      nextToken = response.nextToken();
      if (nextToken == null || nextToken.isEmpty()) {
        return instances;
      }
    }
    throw unavailable("DescribeAutoScalingGroups", region, "more than " + MAX_PAGES + " pages", null);
  }

  /** Runs one AWS call; null when AWS says the cluster or node group does not exist (ResourceNotFoundException). */
  private static <T> T call(String operation, String region, Supplier<T> call) {
    try {
      return call.get();
    } catch (ResourceNotFoundException e) {
      return null;
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "no error code"
          : e.awsErrorDetails().errorCode();
      throw unavailable(operation, region, code + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkException e) {
      throw unavailable(operation, region, e.getMessage(), e);
    }
  }

  private static void checkDeadline(long deadline, String region) {
    if (System.nanoTime() > deadline) {
      throw unavailable("reading the clusters' nodes", region, "took longer than "
          + RefreshingIdSet.READ_DEADLINE.toSeconds() + " s", null);
    }
  }

  private static AttestationException unavailable(String operation, String region, String detail, Throwable cause) {
    return new AttestationException(AttestationException.Kind.UNAVAILABLE, AwsIid.NAME
        + ": validate_eks_cluster_membership: " + operation + " in region " + region + " failed: " + detail, cause);
  }
}
