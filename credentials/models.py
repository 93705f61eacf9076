"""Credentials issued on course completion (built out by the credentials issue)."""
