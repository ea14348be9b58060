"""Point the default connection at another database (``--database-url`` of the dataset and
benchmark commands), creating a PostgreSQL database when asked."""

from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.conf import settings
from django.db import connections


def create_database(url: str) -> bool:
    """Create the PostgreSQL database of ``url`` when missing; True when it was created."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def use_database(url: str, create: bool = False):
    config = dj_database_url.parse(url)
    if create and config["ENGINE"].endswith("postgresql"):
        create_database(url)
    current = settings.DATABASES["default"]
    config = {**current, **config, "OPTIONS": config.get("OPTIONS", {})}
    connections["default"].close()
    settings.DATABASES["default"] = config
    connections.settings["default"] = connections.configure_settings({"default": config})["default"]
    del connections["default"]
