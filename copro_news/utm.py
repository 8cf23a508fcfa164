"""UTM tags on the email's links to the team's own sites: where web analytics count a visit from.

``[utm]`` in copro-news.toml turns it on (it is off by default). A link is tagged with
``utm_source``, ``utm_medium=email`` and ``utm_campaign`` when it is a web address on one of
the team's own sites (``[utm] domains``, else the website's). Never tagged: ``mailto:`` and
other addresses that are not web pages, a provider's merge tags (``*|UNSUB|*``,
``{{ unsubscribe_url }}``), the unsubscribe link, and the web edition (its pages, its
calendar files), which counts its own visits.

A tagged link keeps its query string as it was, byte for byte, and its ``#fragment`` last; a
``utm_`` key it already has is kept and not added again (Buttondown does the same). The HTML
and the text part are tagged alike: each address the HTML links to is replaced by the same
tagged address in both. Only the standard library is used.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

MEDIUM = "email"
#: What a provider's merge tag looks like in an address: never tagged, never touched.
MERGE_TAGS = ("*|", "|*", "{{", "}}", "{%", "%7B%7B", "%7b%7b", "%2A%7C", "%2a%7c")

_ANCHOR = re.compile(r"<a\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(r"""(\bhref\s*=\s*)(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# What may follow an address in the text part without being part of it (as the link checker
# finds an address in a file): a space, a bracket, a full stop at the end of a sentence.
_URL_GOES_ON = re.compile(r"[\w/%?=&#~+-]")


def slug(text: str) -> str:
    """'Co-Production Collective' -> 'co-production-collective': how GA4 values are kept
    comparable (it tells 'Team' from 'team')."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or "newsletter"


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def own_domain(url: str) -> str:
    """The site an address is on, as [utm] domains names it: its host without 'www.'."""
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True)
class Tagger:
    """What to add to a link (``params``, in order) and which links get it."""

    params: tuple[tuple[str, str], ...]
    domains: tuple[str, ...]  # hosts whose links (and their subdomains') are tagged; "*": all
    never: tuple[str, ...] = ()  # addresses, and beginnings of addresses, never tagged

    def wants(self, url: str) -> bool:
        """Whether ``url`` is a link to tag."""
        text = url.strip()
        if text != url or not text.lower().startswith(("http://", "https://")):
            return False  # mailto:, tel:, #top, relative paths, cid:, and anything odd
        if any(tag in text for tag in MERGE_TAGS):
            return False
        if any(text == n or (n.endswith("/") and text.startswith(n)) for n in self.never):
            return False
        host = host_of(text)
        if not host:
            return False
        return any(
            d == "*" or host == d or host.endswith("." + d) or host == "www." + d
            for d in self.domains
        )

    def tag(self, url: str) -> str:
        """``url`` with the UTM keys it lacks; unchanged when it is not a link to tag."""
        if not self.wants(url):
            return url
        rest, hash_, fragment = url.partition("#")
        base, _, query = rest.partition("?")
        try:
            present = {k for k, _ in parse_qsl(query, keep_blank_values=True)}
        except ValueError:
            return url
        added = "&".join(f"{k}={quote(v, safe='')}" for k, v in self.params if k not in present)
        if not added:
            return url
        joined = f"{query}&{added}" if query and not query.endswith("&") else query + added
        return f"{base}?{joined}{hash_}{fragment}"

    def tag_html(self, markup: str) -> tuple[str, dict[str, str]]:
        """The HTML with the ``href`` of each ``<a>`` tagged, and what each address became."""
        changed: dict[str, str] = {}

        def attribute(m: re.Match[str]) -> str:
            quote_char = '"' if m.group(2) is not None else "'"
            raw = m.group(2) if m.group(2) is not None else m.group(3)
            url = html.unescape(raw)
            tagged = self.tag(url)
            if tagged == url:
                return m.group(0)
            changed[url] = tagged
            shown = html.escape(tagged, quote=True)
            return f"{m.group(1)}{quote_char}{shown}{quote_char}"

        def anchor(m: re.Match[str]) -> str:
            return _HREF.sub(attribute, m.group(0), count=1)

        return _ANCHOR.sub(anchor, markup), changed

    def tag_text(self, text: str, changed: dict[str, str]) -> str:
        """The text part with each address of ``changed`` replaced where it stands whole."""
        for url in sorted(changed, key=len, reverse=True):
            text = _replace_whole(text, url, changed[url])
        return text


def _replace_whole(text: str, url: str, new: str) -> str:
    out: list[str] = []
    start = 0
    while True:
        i = text.find(url, start)
        if i < 0:
            out.append(text[start:])
            return "".join(out)
        end = i + len(url)
        before = text[i - 1 : i]
        after = text[end : end + 1]
        whole = not (after and _URL_GOES_ON.match(after)) and not (
            before and _URL_GOES_ON.match(before)
        )
        out.append(text[start:i])
        out.append(new if whole else url)
        start = end


def tagger(
    *,
    source: str,
    campaign: str,
    domains: Iterable[str],
    never: Iterable[str] = (),
) -> Tagger:
    """The tagger for one issue: ``utm_source``, ``utm_medium=email``, ``utm_campaign``."""
    params = (("utm_source", source), ("utm_medium", MEDIUM), ("utm_campaign", campaign))
    return Tagger(
        params, tuple(_domain(d) for d in domains if d.strip()), tuple(filter(None, never))
    )


def _domain(given: str) -> str:
    """A site as [utm] domains may name it (example.org, www.example.org, https://example.org/)
    in one form: example.org; "*" stays "*"."""
    text = given.strip().lower()
    if "://" in text:
        return own_domain(text)
    text = text.split("/", 1)[0].rstrip(".")
    return text[4:] if text.startswith("www.") else text
