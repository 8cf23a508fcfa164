"""The error tree. Each error carries the exit code the CLI uses and a hint for the user.

The library raises these; only ``cli.main`` turns them into output and an exit code.
"""

from __future__ import annotations

from copro_news.problems import Problem, count, plural

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class CoproNewsError(Exception):
    """Something the user can fix: a plain message, an optional hint, an exit code."""

    exit_code = EXIT_PROBLEMS

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CoproNewsError):
    """The command was called wrongly: bad option, no workspace, unknown issue."""

    exit_code = EXIT_USAGE


class WorkspaceError(UsageError):
    """No workspace here, or its settings cannot be used."""


class SettingsError(WorkspaceError):
    """copro-news.toml has problems; all of them are listed.

    Problems found in a file, as check finds them in snippets: exit 1, not a usage error.
    """

    exit_code = EXIT_PROBLEMS

    def __init__(self, problems: list[Problem]) -> None:
        n = len(problems)
        super().__init__(
            f"copro-news.toml has {plural(n, 'problem')}.",
            "Fix the settings listed above, then run the command again.",
        )
        self.problems = problems


class ContentError(CoproNewsError):
    """The issue's content has errors; every problem found is attached."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        super().__init__(
            message or f"The issue has {plural(count(problems)[0], 'error')}; nothing was written.",
            "Fix the problems listed above, then run the command again.",
        )
        self.problems = problems


class TemplateError(CoproNewsError):
    """A template (or the stylesheet) cannot be used: the problem ``template-invalid`` says
    where and why, in the same words wherever it is shown."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message, problem.hint)
        self.problem = problem

    @property
    def file(self) -> str | None:
        return self.problem.file

    @property
    def line(self) -> int | None:
        return self.problem.line


class RefusedError(CoproNewsError):
    """The command will not do what was asked (already sent, not confirmed, ...)."""


class ProviderError(CoproNewsError):
    """The mailing-list provider refused a request or could not be reached."""

    def __init__(self, message: str, hint: str | None = None, *, status: int | None = None):
        super().__init__(message, hint)
        self.status = status


class CredentialsError(CoproNewsError):
    """No API key, or the provider does not accept it."""
