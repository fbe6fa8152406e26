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


def path_problem(e: OSError) -> str:
    """One line for a path that cannot be read or written, naming the path and the fix."""
    name = e.filename or "a path"
    if isinstance(e, (FileExistsError, NotADirectoryError)):
        return f"{name}: a file stands where a folder is needed; check the path"
    if isinstance(e, FileNotFoundError):
        return f"{name}: no such file or folder; check the path (its folder must exist)"
    if isinstance(e, IsADirectoryError):
        return f"{name}: is a folder; give a file name"
    if isinstance(e, PermissionError):
        return f"{name}: permission denied; choose a path you may read or write"
    return f"{name}: {e.strerror or e}; check the path"
