"""Prepare the provider: its tables, a signing key, one council employee and perfdash as a client.

python -m tests.oidc_provider_site.setup REDIRECT_URI CLIENT_ID CLIENT_SECRET USERNAME PASSWORD EMAIL
"""

import sys

import django


def main(redirect_uri: str, client_id: str, secret: str, username: str, password: str, email: str) -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0)
    call_command("creatersakey")
    User.objects.create_user(username, email=email, password=password, first_name="Olive", last_name="Officer")
    client = Client.objects.create(
        name="perfdash",
        client_type="confidential",
        client_id=client_id,
        client_secret=secret,
        jwt_alg="RS256",
        require_consent=False,
        redirect_uris=[redirect_uri],
        scope=["openid", "email", "profile"],
    )
    client.response_types.add(ResponseType.objects.get(value="code"))


if __name__ == "__main__":
    main(*sys.argv[1:])
