"""A small OpenID Connect provider (django-oidc-provider) for the single sign-on test, standing in
for the council's Entra ID or ADFS: its own settings, database and server on loopback."""
