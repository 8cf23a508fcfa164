"""Inlining the stylesheet into the email's style attributes: the only module that knows the
inliner (premailer).

premailer parses the stylesheet with cssutils on every draft, then each rule's declarations
again, most of its work, though the house style changes far less often than the issue.
What it makes of a stylesheet is kept between runs in the user's cache folder, one file per
stylesheet text, premailer version and options: its rules (selector and declarations), the
text of what stays in <style> (media queries, pseudo-classes), and each rule's declarations
as (property, value) pairs. premailer reads the declarations through its module's
``csstext_to_pairs``, a pure function it memoises itself; the one premailer gets here
answers from the kept pairs first. The email is the same with or without the cache; a cache
file that cannot be read or written only makes that draft slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from copro_news.deferred import imported_without

KEEP = 32  # parsed stylesheets kept: a few workspaces, each with a few edits of its style

Pairs = list[tuple[str, str]]
Rule = tuple[tuple[int, ...], str, str]  # premailer's: (specificity, selector, declarations)

# (declarations, validate) -> pairs, from the kept stylesheets read in this process
_known_pairs: dict[tuple[str, bool], Pairs] = {}


class _Leftover(list):
    """What premailer leaves in <style>, as the text it would write for it."""

    def __init__(self, text: str, present: bool) -> None:
        super().__init__([text] if present else [])
        self.text = text


@lru_cache(maxsize=1)
def _premailer_class() -> type:
    # premailer's and cssutils' only use of these is fetching stylesheets: never done here
    with imported_without("requests", "urllib.request", "importlib.metadata"):
        import premailer
        import premailer.premailer as module
        from premailer import Premailer

    parse_pairs: Callable[..., Pairs] = module.csstext_to_pairs

    def csstext_to_pairs(csstext: str, validate: bool = True) -> Pairs:
        known = _known_pairs.get((csstext, validate))
        return known if known is not None else parse_pairs(csstext, validate=validate)

    module.csstext_to_pairs = csstext_to_pairs

    class CachedPremailer(Premailer):
        """premailer, with each parsed stylesheet read from the cache folder when it is there."""

        cache_folder: Path | None = None

        def _parse_style_rules(self, css_body: str, ruleset_index: int) -> tuple[list, list]:
            if not css_body:  # an empty <style>: nothing to parse
                return super()._parse_style_rules(css_body, ruleset_index)
            validate = not self.disable_validation
            path = self._cache_path(css_body, ruleset_index)
            found = _read(path, validate) if path else None
            if found is not None:
                return found
            rules, leftover = super()._parse_style_rules(css_body, ruleset_index)
            text = super()._css_rules_to_string(leftover) if leftover else ""
            if path:
                pairs = {bulk: parse_pairs(bulk, validate=validate) for _, _, bulk in rules}
                _write(path, rules, text, bool(leftover), pairs)
            return rules, _Leftover(text, bool(leftover))

        def _css_rules_to_string(self, rules: list) -> str:
            if isinstance(rules, _Leftover):
                return rules.text
            return super()._css_rules_to_string(rules)

        def _cache_path(self, css_body: str, ruleset_index: int) -> Path | None:
            if self.cache_folder is None:
                return None
            how = (
                premailer.__version__,
                ruleset_index,
                self.exclude_pseudoclasses,
                self.strip_important,
                self.include_star_selectors,
                self.disable_validation,
                css_body,
            )
            key = hashlib.sha256(repr(how).encode("utf-8", "surrogatepass")).hexdigest()[:32]
            return self.cache_folder / f"{key}.json"

    return CachedPremailer


def _read(path: Path, validate: bool) -> tuple[list[Rule], _Leftover] | None:
    """The parsed stylesheet kept at ``path``, its pairs now known; None when missing,
    unreadable or damaged."""
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        rules: list[Rule] = []
        for specificity, selector, bulk in kept["rules"]:
            if not (isinstance(selector, str) and isinstance(bulk, str)):
                return None
            rules.append((tuple(int(n) for n in specificity), selector, bulk))
        pairs: dict[str, Pairs] = {}
        for bulk, found in kept["pairs"].items():
            pairs[bulk] = [(str(k), str(v)) for k, v in found]
        text, present = kept["leftover"], kept["has_leftover"]
        if not isinstance(text, str) or any(bulk not in pairs for _, _, bulk in rules):
            return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None
    _known_pairs.update(((bulk, validate), found) for bulk, found in pairs.items())
    return rules, _Leftover(text, bool(present))


def _write(
    path: Path, rules: list[Rule], leftover: str, present: bool, pairs: dict[str, Pairs]
) -> None:
    """Keep a parsed stylesheet, and only the newest few; a failure costs time, not output."""
    from copro_news.fsutil import atomic_write

    kept = {
        "rules": [list(r) for r in rules],
        "leftover": leftover,
        "has_leftover": present,
        "pairs": {bulk: [list(p) for p in found] for bulk, found in pairs.items()},
    }
    with contextlib.suppress(OSError, ValueError, TypeError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(path, json.dumps(kept, ensure_ascii=False))
        older = sorted(path.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in older[KEEP:]:
            old.unlink()


def _cache_folder() -> Path | None:
    from copro_news.fsutil import user_cache_dir

    try:
        return user_cache_dir("stylesheets")
    except RuntimeError:  # no home folder to put it in
        return None


def inline_css(html: str, base_url: str | None = None, *, cache: bool = True) -> str:
    """Inline the stylesheet into style attributes; media queries stay in a <style> block.

    ``cache=False`` parses the stylesheet afresh, as premailer alone does.
    """
    inliner = _premailer_class()(
        html=html,
        base_url=base_url or None,
        preserve_internal_links=True,
        exclude_pseudoclasses=True,
        keep_style_tags=False,
        strip_important=False,
        remove_classes=False,
        disable_validation=True,
        cache_css_parsing=True,
        cssutils_logging_level=logging.CRITICAL,
        allow_network=False,
        allow_loading_external_files=False,
        align_floating_images=False,
        # widths and heights are written as attributes by the templates, in pixels: CSS
        # values such as "auto" or "100%" are not valid there
        disable_basic_attributes=["width", "height"],
    )
    inliner.cache_folder = _cache_folder() if cache else None
    return inliner.transform(pretty_print=False)
