"""Validates a JWT-SVID as an OIDC relying party would, with PyJWT and nothing but what the provider serves.

Usage: validate_jwt.py ISSUER_URL CA_FILE AUDIENCE TOKEN
Fetches ISSUER_URL/.well-known/openid-configuration, then the JWKS at its jwks_uri (PyJWKClient), both over TLS
verified against CA_FILE, and checks the token's signature, audience, issuer and expiry. Prints the claims and
the key ID as JSON; exits non-zero when the token does not validate.
"""
import json
import ssl
import sys
import urllib.request

import jwt


def main() -> int:
    issuer_url, ca_file, audience, token = sys.argv[1:5]
    context = ssl.create_default_context(cafile=ca_file)
    with urllib.request.urlopen(issuer_url + "/.well-known/openid-configuration", context=context) as response:
        document = json.load(response)
    client = jwt.PyJWKClient(document["jwks_uri"], ssl_context=context, cache_jwk_set=False)
    signing_key = client.get_signing_key_from_jwt(token)
    try:
        claims = jwt.decode(token, signing_key.key, algorithms=document["id_token_signing_alg_values_supported"],
                            audience=audience, issuer=document["issuer"])
    except jwt.InvalidTokenError as error:
        print("invalid token: %s: %s" % (type(error).__name__, error), file=sys.stderr)
        return 3
    print(json.dumps({"claims": claims, "kid": signing_key.key_id, "issuer": document["issuer"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
