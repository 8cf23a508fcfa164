"""Importing a library without modules it imports but does not use here.

premailer imports requests at its top for one thing: fetching stylesheets from the web,
which copro-news never lets it do (``allow_network=False``); cssutils, under it, imports
urllib.request and importlib.metadata for the same fetching. requests and what it pulls
in (urllib3, charset detection, ssl, http.client) are a tenth of a draft. While premailer
is imported, :func:`imported_without` puts a stand-in for each such module in
``sys.modules`` (and, for ``urllib.request``, on its package); the library keeps the
stand-in, which imports the real module if it is ever used, and the stand-in leaves
``sys.modules`` at once, so every other import (the link checks) gets the real module
the usual way.
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
def imported_without(*names: str) -> Iterator[None]:
    """Within the block, ``import name`` binds a stand-in and loads nothing, for each name.

    For the import of a library that only binds these modules at its top. A name imported
    already is left alone. A dotted name's stand-in is also set on its package (imported
    for real), as ``import a.b`` then ``a.b.f`` expects; importing the real module later
    replaces it there.
    """
    stand_ins: dict[str, _Deferred] = {}
    for name in names:
        if name in sys.modules:
            continue
        stand_in = _Deferred(name)  # `import name` reads only its __spec__: None
        package, _, child = name.rpartition(".")
        if package:
            parent = importlib.import_module(package)
            if not hasattr(parent, child):
                setattr(parent, child, stand_in)
        sys.modules[name] = stand_ins[name] = stand_in
    try:
        yield
    finally:
        for name, stand_in in stand_ins.items():
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


def is_loaded(name: str) -> bool:
    """Whether the real module ``name`` has been imported."""
    module = sys.modules.get(name)
    return module is not None and not isinstance(module, _Deferred)
