"""Serving in production and without a server.

gunicorn, the asyncio bridge, the static export and its nginx rules.
"""
