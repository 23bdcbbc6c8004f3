"""Roles, privileges and their enforcement on the statement's tree."""
from .store import SecurityStore  # noqa: F401
