package dev.signet.attestors.node.awsiid;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The two AWS calls the aws_iid server half makes about an attesting instance, in the account and region its
 * identity document names: EC2 DescribeInstances (only pending or running instances) and IAM
 * GetInstanceProfile. The real one is {@link AwsSdkEc2Api}; tests point it at a fake endpoint.
 */
interface Ec2Api {
  /**
   * @return the instance when it exists and is pending or running
   * @throws dev.signet.attestors.node.AttestationException UNAVAILABLE when AWS cannot be asked
   */
  Optional<Instance> describeInstance(String region, String accountId, String instanceId);

  /**
   * @return the ARNs of the roles in the instance profile
   * @throws dev.signet.attestors.node.AttestationException UNAVAILABLE when AWS cannot be asked
   */
  List<String> instanceProfileRoleArns(String region, String accountId, String instanceProfileName);

  /** What DescribeInstances tells about one instance, reduced to what attestation uses. */
  record Instance(
      Map<String, String> tags,
      List<SecurityGroup> securityGroups,
      String instanceProfileArn,
      String rootDeviceType,
      String rootDeviceName,
      List<BlockDevice> blockDevices,
      List<NetworkInterface> networkInterfaces) {
    public Instance {
      tags = Map.copyOf(tags);
      securityGroups = List.copyOf(securityGroups);
      blockDevices = List.copyOf(blockDevices);
      networkInterfaces = List.copyOf(networkInterfaces);
    }
  }

  record SecurityGroup(String id, String name) {}

  /** A block device mapping; {@code ebsAttachTime} is null for a device without EBS. */
  record BlockDevice(String deviceName, Instant ebsAttachTime) {}

  /** A network interface attachment, in DescribeInstances order. */
  record NetworkInterface(Integer deviceIndex, Instant attachTime) {}
}
