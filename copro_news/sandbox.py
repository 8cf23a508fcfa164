"""Where workspace templates run: Jinja2's sandbox, with limits on time and size.

Templates come from anyone who can open a pull request, and the email is built where the
checks run. So a template may show the issue's content and nothing else: no attribute
that leads to Python's insides (``lipsum.__globals__``), no unsafe call, and no render
that runs for ever or fills the memory:

- every ``for`` loop counts its turns (at most :data:`MAX_TURNS` in one render) and looks
  at the clock (at most :data:`MAX_SECONDS`);
- ``range`` stops at 100,000 (the sandbox's own limit);
- an operator or a filter that would make text or a list longer than :data:`MAX_LENGTH`
  (``"a" * 10**9``, ``"x"|center(10**9)``), or a number longer than
  :data:`MAX_DIGITS` digits (``10**10**10``), is refused before it is worked out;
- the whole output stops at :data:`MAX_OUTPUT` characters.

A limit reached raises :class:`RenderLimit`; the sandbox's refusals raise its
``SecurityError``. Both are template errors, worded by ``render.template_problem``.
jinja2 is imported here only when a build runs (this module is imported by render.py then).
"""

from __future__ import annotations

import math
import operator
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import MAX_RANGE, SandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_SECONDS = 5.0
MAX_TURNS = 1_000_000
MAX_LENGTH = 2_000_000
MAX_OUTPUT = 5_000_000
MAX_DIGITS = 10_000
__all__ = ["MAX_RANGE", "LimitedSandbox", "RenderLimit"]

_LOOP_FILTER = "copro_news_loop"
_LENGTH_FILTER = "copro_news_length"


class RenderLimit(jinja2.TemplateRuntimeError):
    """A template asked for more time or memory than an email can need.

    ``what`` says what in plain words; ``filename`` is the template's file when the limit
    was reached outside the template's own code (the whole output).
    """

    def __init__(self, what: str, filename: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.filename = filename


class _Budget:
    """What one render has used: loop turns, and the time since it started."""

    def __init__(self) -> None:
        self.deadline = time.monotonic() + MAX_SECONDS
        self.turns = 0

    def tick(self, turns: int = 0) -> None:
        self.turns += turns
        if self.turns > MAX_TURNS:
            raise RenderLimit(f"its loops go round more than {MAX_TURNS:,} times")
        if time.monotonic() > self.deadline:
            raise RenderLimit(f"it takes longer than {MAX_SECONDS:g} seconds to fill in")


_state = threading.local()


def _budget() -> _Budget:
    """The running render's budget; a fresh one outside a render (compile-time folding)."""
    budget = getattr(_state, "budget", None)
    return budget if budget is not None else _Budget()


# --- sizes -------------------------------------------------------------------------------------


def _too_long(length: int, what: str = "text") -> RenderLimit:
    return RenderLimit(f"it would make {what} {length:,} characters long")


def _check_length(value: Any) -> Any:
    """``value`` itself, when it is no longer than an email can hold."""
    if isinstance(value, (str, bytes, list, tuple)) and len(value) > MAX_LENGTH:
        raise _too_long(len(value), "text" if isinstance(value, (str, bytes)) else "a list")
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 33_000:
        raise RenderLimit(f"it would make a number more than {MAX_DIGITS:,} digits long")
    return value


def _check_size(n: Any, what: str = "a width") -> None:
    """An amount that text or a list is stretched by (a width, a repeat count)."""
    if isinstance(n, int) and not isinstance(n, bool) and n > MAX_LENGTH:
        raise RenderLimit(f"it asks for {what} of {n:,}")


_PRINTF = re.compile(r"%[#0\- +]*(\d*)(?:\.(\d*))?")
_SPEC = re.compile(r"\{[^{}]*:([^{}]*)\}")


def _check_format(spec: Any) -> None:
    """Widths and precisions written in a format ("%1000000000s", "{:>999999999}")."""
    if not isinstance(spec, str):
        return
    numbers = [n for m in _PRINTF.finditer(spec) for n in m.groups() if n]
    numbers += [n for m in _SPEC.finditer(spec) for n in re.findall(r"\d+", m.group(1))]
    for number in numbers:
        if len(number) > 7 or int(number) > MAX_LENGTH:
            raise RenderLimit(f"its format asks for a width of {int(number):,}")


def _len(value: Any) -> int:
    """The length of text or a list; 0 for anything else."""
    return len(value) if isinstance(value, (str, bytes, list, tuple, range)) else 0


def _digits_limit(left: Any, right: Any, bits: float) -> None:
    if isinstance(left, int) and isinstance(right, int) and bits > 33_000:
        raise RenderLimit(f"it would make a number more than {MAX_DIGITS:,} digits long")


def _times(left: Any, right: Any) -> Any:
    for seq, n in ((left, right), (right, left)):
        if isinstance(n, int) and _len(seq) * max(n, 0) > MAX_LENGTH:
            raise _too_long(_len(seq) * n)
    if isinstance(left, int) and isinstance(right, int):
        _digits_limit(left, right, left.bit_length() + right.bit_length())
    return operator.mul(left, right)


def _power(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
        _digits_limit(left, right, right * math.log2(abs(left)))
    return operator.pow(left, right)


def _plus(left: Any, right: Any) -> Any:
    if _len(left) + _len(right) > MAX_LENGTH:
        raise _too_long(_len(left) + _len(right))
    return operator.add(left, right)


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_format(left)
    return operator.mod(left, right)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": _times,
    "**": _power,
    "+": _plus,
    "%": _modulo,
}

# What stretches its text by an argument, and how: (method or filter name) -> check.
_STRETCHERS: dict[str, Callable[[Any, tuple[Any, ...], dict[str, Any]], None]] = {}


def _stretch(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def register(check: Callable[..., None]) -> Callable[..., None]:
        for name in names:
            _STRETCHERS[name] = check
        return check

    return register


@_stretch("center", "ljust", "rjust", "zfill", "indent", "expandtabs", "wordwrap", "batch")
def _widths(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for n in (*args, *kwargs.values()):
        _check_size(n)
        if isinstance(n, str) and isinstance(value, str):  # indent("  "), the text put in
            lines = value.count("\n") + 1
            if len(n) * lines + len(value) > MAX_LENGTH:
                raise _too_long(len(n) * lines + len(value))


@_stretch("format", "format_map")
def _formats(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    _check_format(value)


@_stretch("replace")
def _replaces(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    if isinstance(value, str) and len(args) >= 2 and isinstance(args[1], str):
        old, new = str(args[0]), args[1]
        times = value.count(old) if old else len(value) + 1
        if len(value) + times * len(new) > MAX_LENGTH:
            raise _too_long(len(value) + times * len(new))


@_stretch("join")
def _joins(value: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    glue = args[0] if args else kwargs.get("d", "")
    if isinstance(value, str):  # "glue".join(items): the method
        glue, value = value, args[0] if args else ()
    if _len(glue) * _len(value) > MAX_LENGTH:
        raise _too_long(_len(glue) * _len(value))


def _limited_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that is refused before it stretches text too far, and whose result is
    checked for length."""
    import functools

    check = _STRETCHERS.get(name)
    passes = getattr(func, "jinja_pass_arg", None)

    @functools.wraps(func)
    def limited(*args: Any, **kwargs: Any) -> Any:
        skip = 1 if passes is not None else 0  # the context or environment comes first
        if check is not None and len(args) > skip:
            check(args[skip], args[skip + 1 :], kwargs)
        return _check_length(func(*args, **kwargs))

    return limited


def _loop(iterable: Iterable[Any]) -> Iterator[Any]:
    """The items of a ``for`` loop, each one counted against the render's budget."""
    budget = _budget()
    for item in iterable:
        budget.tick(1)
        yield item


# --- the environment ---------------------------------------------------------------------------


class LimitedTemplate(jinja2.Template):
    """A template whose render keeps to the limits: one budget per render, and the output
    counted as it comes."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        outer = getattr(_state, "budget", None)
        budget = _state.budget = outer or _Budget()
        try:
            out: list[str] = []
            size = 0
            for chunk in self.generate(*args, **kwargs):
                size += len(chunk)
                if size > MAX_OUTPUT:
                    raise RenderLimit(
                        f"it writes more than {MAX_OUTPUT:,} characters", self.filename
                    )
                budget.tick()
                out.append(chunk)
            return "".join(out)
        finally:
            _state.budget = outer


class LimitedSandbox(SandboxedEnvironment):
    """Jinja2's sandbox with the limits of this module."""

    template_class = LimitedTemplate
    intercepted_binops = frozenset(_BINOPS)
    #: How this class changes compiled code: part of the bytecode cache's key.
    compiles = "loops counted, joins measured: 1"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.filters[_LOOP_FILTER] = _loop
        self.filters[_LENGTH_FILTER] = _check_length

    def limit_filters(self) -> None:
        """Wrap every filter (call once the filters are all there)."""
        for name, func in list(self.filters.items()):
            if name not in (_LOOP_FILTER, _LENGTH_FILTER):
                self.filters[name] = _limited_filter(name, func)

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
        _budget().tick()
        return _check_length(_BINOPS[op](left, right))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"{:>999999999}".format``: refused when it is looked up, before any call."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format(value.__self__)
        return wrapped

    def call(self, context: Any, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        _budget().tick()
        check = _STRETCHERS.get(getattr(obj, "__name__", ""))
        owner = getattr(obj, "__self__", None)
        if check is not None and isinstance(owner, (str, bytes)):
            check(owner, args, kwargs)
        return _check_length(super().call(context, obj, *args, **kwargs))

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        """The template's tree, with every loop counted and every joined text measured."""
        tree = _Limits().visit(super()._parse(source, name, filename))
        assert isinstance(tree, nodes.Template)
        return tree


class _Limits(NodeTransformer):
    """Every ``for`` loop's items go through the loop counter; every ``a ~ b`` through the
    length check."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(
            node.iter, _LOOP_FILTER, [], [], None, None, lineno=node.iter.lineno
        )
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _length_of(node)


def _length_of(node: nodes.Expr) -> nodes.Filter:
    return nodes.Filter(node, _LENGTH_FILTER, [], [], None, None, lineno=node.lineno)
