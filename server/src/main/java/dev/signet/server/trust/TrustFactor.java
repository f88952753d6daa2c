package dev.signet.server.trust;

/**
 * One explained contribution to a trust score.
 *
 * @param name a stable machine name ({@code attestation_strength}, {@code policy_denials}, …)
 * @param impact points added to (positive) or taken from (negative) the base score of 100
 * @param detail why, in words an operator can act on
 */
public record TrustFactor(String name, int impact, String detail) {}
