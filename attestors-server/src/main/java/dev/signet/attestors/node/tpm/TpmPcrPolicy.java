package dev.signet.attestors.node.tpm;

import dev.signet.attestors.node.AttestationException;
import dev.signet.common.spiffe.Selector;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which sha256 PCRs the server has the agent quote ({@code pcrs}, reported as {@code tpm:pcr:<n>:<hex>}
 * selectors) and which must hold a given value ({@code required_pcrs}, quoted too).
 *
 * @param reported PCRs to quote and report
 * @param required PCR index to the value it must have
 */
record TpmPcrPolicy(SortedSet<Integer> reported, SortedMap<Integer, byte[]> required) {
  TpmPcrPolicy {
    reported = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(reported));
    required = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(required));
  }

  /** A quote request with a fresh nonce for every PCR reported or required, ascending; empty if none. */
  Optional<TpmProtocol.QuoteRequest> request(SecureRandom random) {
    SortedSet<Integer> pcrs = new TreeSet<>(reported);
    pcrs.addAll(required.keySet());
    if (pcrs.isEmpty()) {
      return Optional.empty();
    }
    byte[] nonce = new byte[TpmProtocol.NONCE_LENGTH];
    random.nextBytes(nonce);
    return Optional.of(new TpmProtocol.QuoteRequest(nonce, List.copyOf(pcrs)));
  }

  /** Enforces {@code required} on verified values and returns the selectors of the reported PCRs. */
  List<Selector> check(List<Integer> pcrs, List<byte[]> values) {
    List<Selector> selectors = new ArrayList<>();
    for (int i = 0; i < pcrs.size(); i++) {
      int pcr = pcrs.get(i);
      byte[] value = values.get(i);
      byte[] expected = required.get(pcr);
      if (expected != null && !MessageDigest.isEqual(expected, value)) {
        throw AttestationException.denied(TpmProtocol.NAME + ": PCR " + pcr + " is " + HexFormat.of().formatHex(value)
            + ", not the required " + HexFormat.of().formatHex(expected));
      }
      if (reported.contains(pcr)) {
        selectors.add(new Selector(TpmProtocol.NAME, "pcr:" + pcr + ":" + HexFormat.of().formatHex(value)));
      }
    }
    return selectors;
  }
}
