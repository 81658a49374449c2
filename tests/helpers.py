"""Test helpers shared by every test module."""


def login(client, user):
    """Log `user` in as they would after a full login (password and, where required, second factor)."""
    client.force_login(user)
    return client
