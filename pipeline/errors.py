"""Errors the library raises; the CLI (cli.py) turns them into messages and exit codes."""


class PipelineError(Exception):
    """A runtime failure: exit code 1."""
    exit_code = 1


class UsageError(PipelineError):
    """The user asked for something that cannot work as asked: exit code 2. Say the fix."""
    exit_code = 2


class ConfigError(UsageError):
    """sources.yaml (or another config file) is missing or malformed."""


class LockedError(PipelineError):
    """Another harvest holds the lock: exit code 75 (EX_TEMPFAIL)."""
    exit_code = 75
