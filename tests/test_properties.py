"""Random input never crashes the loader: it loads, or it reports a problem with a code."""

from __future__ import annotations

import string
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copro_news.checks.registry import RULES
from copro_news.content import SCHEMAS, load_file
from copro_news.render import markdown_text

TZ = ZoneInfo("Europe/London")
FIELD_NAMES = sorted({k for schema in SCHEMAS.values() for k in schema} | {"strat", "hero.x"})
SCALARS = st.one_of(
    st.text(max_size=30),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [
            "2026-12-01",
            "2026-12-01 12:30",
            "13:30",
            "25:61",
            "2026-02-30",
            "[a, b]",
            "{x: 1}",
            "https://example.org",
            "www.x",
            "mailto:a@b.co",
            "- item",
            "'quoted",
            '"open',
            "*alias",
            "&anchor x",
            "!!binary x",
            "!!python/object:os.system x",
            "? x",
            "|",
            ">",
        ]
    ),
)


def yaml_value(v: object) -> str:
    return str(v).replace("\n", " ")


front_matter = st.lists(
    st.tuples(st.sampled_from(FIELD_NAMES) | st.text(string.printable, max_size=10), SCALARS),
    max_size=8,
).map(lambda items: "\n".join(f"{k}: {yaml_value(v)}" for k, v in items))


def _check(path: Path, kind: str) -> None:
    rel = f"drafts/2026-12/{kind}/x.md"
    _src, data, problems = load_file(path, kind, rel, TZ, "https://example.org")
    for p in problems:
        assert p.code in RULES
        assert p.severity in ("error", "warning")
        assert p.file == rel
        assert p.line is None or p.line >= 1
        assert p.message
    if not any(p.severity == "error" for p in problems):
        for key, spec in SCHEMAS[kind].items():
            if spec.required:
                assert key in data


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(sorted(SCHEMAS)), front=front_matter, body=st.text(max_size=200))
def test_random_front_matter_never_crashes(tmp_path_factory, kind, front, body):
    path = tmp_path_factory.mktemp("p") / "x.md"
    path.write_text(f"---\n{front}\n---\n{body}", encoding="utf-8")
    _check(path, kind)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(sorted(SCHEMAS)), data=st.binary(max_size=300))
def test_random_bytes_never_crash(tmp_path_factory, kind, data):
    path = tmp_path_factory.mktemp("b") / "x.md"
    path.write_bytes(data)
    _check(path, kind)


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300))
def test_random_yaml_text_never_crashes(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("y") / "x.md"
    path.write_text(f"---\n{text}\n---\nbody\n", encoding="utf-8")
    _check(path, "events")


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300))
def test_markdown_text_never_crashes(text):
    assert isinstance(markdown_text(text), str)
