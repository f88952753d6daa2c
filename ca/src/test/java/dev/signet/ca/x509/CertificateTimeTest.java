package dev.signet.ca.x509;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DerTlv#time} writes the same DER as BouncyCastle's {@code new Time(Date)}. */
class CertificateTimeTest {
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"1949-12-31T23:59:59.999Z", "1950-01-01T00:00:00Z",
      "2030-01-01T00:00:00.500Z", "2030-06-15T12:34:56.789Z", "1999-12-31T23:59:59Z", "2000-01-01T00:00:00Z",
      "2049-12-31T23:59:59.999Z", "2050-01-01T00:00:00Z", "2100-02-28T01:02:03.004Z"})
  void certificateTimesEqualBouncyCastlesFromDate(String instant) throws Exception {
    java.time.Instant at = java.time.Instant.parse(instant);
    assertThat(DerTlv.time(at))
        .isEqualTo(new org.bouncycastle.asn1.x509.Time(java.util.Date.from(at)).getEncoded());
    for (int i = 0; i < 200; i++) {
      java.time.Instant random = java.time.Instant.ofEpochMilli(java.util.concurrent.ThreadLocalRandom.current()
          .nextLong(-1_000_000_000_000L, 4_000_000_000_000L));
      assertThat(DerTlv.time(random)).as("%s", random)
          .isEqualTo(new org.bouncycastle.asn1.x509.Time(java.util.Date.from(random)).getEncoded());
    }
  }
}
