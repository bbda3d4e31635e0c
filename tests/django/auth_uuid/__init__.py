"""A custom user model with a UUID primary key (AUTH_USER_MODEL = "auth_uuid.Member") for
tests/auth_uuid.test.ts; importable because bridge.py's directory is on sys.path."""
