"""Importing a library without a module it imports but does not use here.

premailer imports requests at its top for one thing: fetching stylesheets from the web,
which copro-news never lets it do (``allow_network=False``). requests and what it pulls
in (urllib3, charset detection, ssl) are a tenth of a draft. While premailer is imported,
:func:`imported_without` puts a stand-in for requests in ``sys.modules``; premailer keeps
the stand-in, which imports the real module if it is ever used, and the stand-in leaves
``sys.modules`` at once, so every other ``import requests`` (the link checks) gets the
real module the usual way.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Deferred(types.ModuleType):
    """A stand-in that hands every use on to the real module, importing it first."""

    def __getattr__(self, attr: str) -> Any:  # only for names not set on the stand-in
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attr)


@contextmanager
def imported_without(name: str) -> Iterator[None]:
    """Within the block, ``import name`` binds a stand-in and loads nothing.

    For the import of a library that only binds ``name`` at its top. Does nothing when
    ``name`` is imported already.
    """
    if name in sys.modules:
        yield
        return
    stand_in = _Deferred(name)  # `import name` reads only its __spec__: None
    sys.modules[name] = stand_in
    try:
        yield
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]


def is_loaded(name: str) -> bool:
    """Whether the real module ``name`` has been imported."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, _Deferred)
