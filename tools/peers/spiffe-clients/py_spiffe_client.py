"""A SPIFFE workload of ours built on py-spiffe (PyPI `spiffe` 0.3.2), used by Signet's it-tests as a real
client of the Workload API. It fetches an X509-SVID or a JWT-SVID, validates it against the bundles the same
socket serves, and prints the facts as one JSON object; any failure exits non-zero with the reason on stderr.

Usage:
  python py_spiffe_client.py x509 unix:/path/api.sock [SPIFFE_ID]
  python py_spiffe_client.py jwt  unix:/path/api.sock AUDIENCE [SPIFFE_ID]
"""

import json
import sys

from spiffe import JwtSvid, SpiffeId, WorkloadApiClient, X509Source

TIMEOUT = 30.0


def x509_facts(socket, wanted):
    with WorkloadApiClient(socket_path=socket, default_timeout=TIMEOUT) as client:
        context = client.fetch_x509_context()
    svids = context.x509_svids
    svid = next((s for s in svids if str(s.spiffe_id) == wanted), None) if wanted else context.default_svid
    if svid is None:
        raise SystemExit("py-spiffe-client: no X509-SVID for %s among %s" % (wanted, [str(s.spiffe_id) for s in svids]))
    bundle = context.x509_bundle_set.get_bundle_for_trust_domain(svid.spiffe_id.trust_domain)
    if bundle is None:
        raise SystemExit("py-spiffe-client: no X.509 bundle for %s" % svid.spiffe_id.trust_domain)
    leaf = svid.leaf
    issuers = [ca for ca in bundle.x509_authorities if ca.subject == leaf.issuer]
    verified = False
    for ca in issuers:
        leaf.verify_directly_issued_by(ca)  # raises if the signature does not verify
        verified = True
    # the streaming side: an X509Source watches the same socket and must hold an SVID too
    source = X509Source(socket_path=socket, timeout_in_seconds=TIMEOUT)
    try:
        streamed = str(source.get_x509_context().default_svid.spiffe_id)
    finally:
        source.close()
    return {
        "spiffe_id": str(svid.spiffe_id),
        "all_spiffe_ids": sorted(str(s.spiffe_id) for s in svids),
        "chain_length": len(svid.cert_chain),
        "signed_by_bundle_authority": verified,
        "bundle_trust_domains": sorted(str(b.trust_domain) for b in context.x509_bundle_set.bundles),
        "x509_source_svid": streamed,
    }


def jwt_facts(socket, audience, wanted):
    with WorkloadApiClient(socket_path=socket, default_timeout=TIMEOUT) as client:
        subject = SpiffeId(wanted) if wanted else None
        svid = client.fetch_jwt_svid(audience={audience}, subject=subject)
        bundles = client.fetch_jwt_bundles()
        bundle = bundles.get_bundle_for_trust_domain(svid.spiffe_id.trust_domain)
        if bundle is None:
            raise SystemExit("py-spiffe-client: no JWT bundle for %s" % svid.spiffe_id.trust_domain)
        validated = JwtSvid.parse_and_validate(svid.token, bundle, {audience})
        wrong_audience = ""
        try:
            JwtSvid.parse_and_validate(svid.token, bundle, {audience + "-other"})
        except Exception as e:  # the library's own error type for a foreign audience
            wrong_audience = type(e).__name__
        by_agent = client.validate_jwt_svid(svid.token, audience)
    return {
        "spiffe_id": str(svid.spiffe_id),
        "audience": sorted(svid.audience),
        "expiry": svid.expiry,
        "validated_spiffe_id": str(validated.spiffe_id),
        "wrong_audience_error": wrong_audience,
        "agent_validated_spiffe_id": str(by_agent.spiffe_id),
        "jwt_authorities": len(bundle.jwt_authorities),
    }


def main(argv):
    if len(argv) < 3 or argv[1] not in ("x509", "jwt") or (argv[1] == "jwt" and len(argv) < 4):
        raise SystemExit(__doc__)
    if argv[1] == "x509":
        facts = x509_facts(argv[2], argv[3] if len(argv) > 3 else None)
    else:
        facts = jwt_facts(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
    json.dump(facts, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
