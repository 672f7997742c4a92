"""Technical jargon and its plain-business meaning: the translator's dictionary.

A leader translating technical work for the business needs the same words explained the same way
every time. The workbench ships a glossary of common technical terms (``glossary.csv`` beside
this module, a plain CSV an organisation can edit, or replace by pointing the ``glossary``
setting of ``alignment.config`` at its own file); the glossary table a user uploads
extends it and wins where both define a term, so a company's own wording ("Freightline",
"Tech debt") is what its people read.

Detection finds whole words and phrases, never parts of words: "API" is found in "APIs" and
"API-first" but not in "rapid". Words and phrases match in any case ("Data pipeline", "data
pipelines"); a term written in capitals in the glossary is an acronym and matches only in
capitals, so "IT" or "POD" are not found in "it" or "pod". A phrase matches across spaces and
hyphens ("right-sizing", "right sizing"); the last word may take a plural ("-s", "-es", "-y" ->
"-ies"). Where terms overlap, the longest wins ("API gateway" before "API").
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from alignment import config

BUILTIN_PATH = Path(__file__).resolve().parent / "glossary.csv"
ENV_GLOSSARY = config.env("glossary")
COLUMNS = ("term", "plain", "aliases")
BUILTIN, USER = "built-in", "yours"
MAX_TERM_LENGTH = 80


class GlossaryError(ValueError):
    """A glossary file that cannot be used, with the line to fix."""


@dataclass(frozen=True)
class Term:
    """One entry: the term as the glossary writes it, its plain meaning, other spellings."""

    term: str
    plain: str
    aliases: tuple[str, ...] = ()
    source: str = BUILTIN

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class Match:
    """One occurrence of a term in a text (character offsets into that text)."""

    term: Term
    start: int
    end: int
    text: str


def _key(text: str) -> str:
    """Spellings that differ only in case, spaces or hyphens name the same term."""
    return re.sub(r"[\s\-]+", " ", text.strip().lower())


def is_acronym(form: str) -> bool:
    """Written in capitals (at least two letters, no lower case): matched case-sensitively."""
    letters = [c for c in form if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _plural(last: str) -> str:
    """A pattern for the last word that also accepts its regular plural."""
    if re.search(r"[^aeiou]y$", last, re.IGNORECASE):
        return re.escape(last[:-1]) + "(?:y|ies)"
    if re.search(r"(s|x|z|ch|sh)$", last, re.IGNORECASE):
        return re.escape(last) + "(?:es)?"
    if last[-1:].isalnum():
        return re.escape(last) + "s?"
    return re.escape(last)


def _form_pattern(form: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", form.strip()) if w]
    parts = [re.escape(w) for w in words[:-1]] + [_plural(words[-1])]
    body = r"[\s\-]+".join(parts)
    return body if is_acronym(form) else f"(?i:{body})"


@dataclass(frozen=True)
class Glossary:
    """An ordered set of terms with one compiled matcher; immutable, so safe to cache and share."""

    terms: tuple[Term, ...]
    _by_key: dict[str, Term] = field(init=False, repr=False, compare=False)
    _pattern: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _group_term: tuple[Term, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Term] = {}
        forms: list[tuple[str, Term]] = []
        for t in self.terms:
            for form in t.forms:
                k = _key(form)
                if k and k not in by_key:
                    by_key[k] = t
                    forms.append((form, t))
        # Longest first, so a phrase wins over a term it contains.
        forms.sort(key=lambda ft: (-len(ft[0]), ft[0].lower()))
        alternatives = [f"({_form_pattern(form)})" for form, _ in forms]
        pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
            if alternatives
            else None
        )
        object.__setattr__(self, "_by_key", by_key)
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_group_term", tuple(t for _, t in forms))

    def __len__(self) -> int:
        return len(self.terms)

    def lookup(self, text: str) -> Term | None:
        """The entry for a term or one of its aliases, whatever the case."""
        return self._by_key.get(_key(text))

    def find(self, text: str) -> list[Match]:
        """Every occurrence, left to right, longest term first where two overlap."""
        if not text or self._pattern is None:
            return []
        return [
            Match(self._group_term[m.lastindex - 1], m.start(), m.end(), m.group(0))
            for m in self._pattern.finditer(text)
            if m.lastindex
        ]

    def terms_in(self, *texts: str) -> list[Term]:
        """The distinct terms found, in order of first appearance across the texts."""
        seen: dict[str, Term] = {}
        for text in texts:
            for m in self.find(text or ""):
                seen.setdefault(m.term.term, m.term)
        return list(seen.values())

    def unexplained(self, text: str) -> list[Term]:
        """Terms used in ``text`` whose plain meaning the text does not give anywhere.

        This is how a brief is judged: a term followed by (or listed with) its meaning is
        explained; a term left bare is jargon the reader has to guess.
        """
        flat = _key(text or "")
        return [t for t in self.terms_in(text) if _key(t.plain) not in flat]

    def annotate(self, text: str) -> str:
        """The text with the plain meaning in brackets after the first use of each term."""
        out: list[str] = []
        done: set[str] = set()
        pos = 0
        for m in self.find(text):
            if m.term.term in done:
                continue
            done.add(m.term.term)
            out.append(text[pos : m.end])
            out.append(f" ({m.term.plain})")
            pos = m.end
        out.append(text[pos:])
        return "".join(out)

    def extended(self, extra: Iterable[Term]) -> Glossary:
        """This glossary with ``extra`` added; an extra term replaces any entry it names.

        The replaced entry's other spellings stay attached to the new meaning, so a user's "Tech
        debt" also explains "technical debt" in the organisation's own words.
        """
        terms = list(self.terms)
        for new in extra:
            keys = {_key(f) for f in new.forms}
            replaced = [t for t in terms if keys & {_key(f) for f in t.forms}]
            inherited = [f for t in replaced for f in t.forms if _key(f) not in keys]
            terms = [t for t in terms if t not in replaced]
            aliases = tuple(dict.fromkeys([*new.aliases, *inherited]))
            terms.append(Term(new.term, new.plain, aliases, new.source))
        return Glossary(tuple(terms))


def _split_aliases(raw: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in re.split(r"[;|]", raw or "") if a.strip())


def _cell(row: list[str], i: int | None) -> str:
    return row[i].strip() if i is not None and i < len(row) else ""


def parse_csv(text: str, name: str = "glossary.csv", source: str = BUILTIN) -> Glossary:
    """A glossary from CSV text with columns term, plain and (optional) aliases.

    Checked strictly because an organisation edits this file by hand: a missing column, an empty
    term or meaning, or a term defined twice stops the load with the line to fix, instead of a
    brief quietly explaining a word wrongly.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    try:
        header = next(reader)
    except StopIteration:
        raise GlossaryError(
            f"{name} is empty: it needs a header row 'term,plain,aliases'."
        ) from None
    cols = [h.strip().lower() for h in header]
    missing = [c for c in ("term", "plain") if c not in cols]
    if missing:
        raise GlossaryError(
            f"{name}, line 1: the header needs the column(s) "
            f"{', '.join(missing)}; found {', '.join(header) or 'nothing'}."
        )
    i_term, i_plain = cols.index("term"), cols.index("plain")
    i_alias = cols.index("aliases") if "aliases" in cols else None
    terms: list[Term] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(c.strip() for c in row):
            continue
        term, plain = _cell(row, i_term), _cell(row, i_plain)
        if not term:
            raise GlossaryError(f"{name}, line {line}: the term is empty.")
        if len(term) > MAX_TERM_LENGTH:
            raise GlossaryError(
                f"{name}, line {line}: the term '{term[:30]}…' is longer than "
                f"{MAX_TERM_LENGTH} characters."
            )
        if not plain:
            raise GlossaryError(f"{name}, line {line}: '{term}' has no plain meaning.")
        if not re.search(r"\w", term):
            raise GlossaryError(f"{name}, line {line}: '{term}' has no letters or digits.")
        aliases = _split_aliases(_cell(row, i_alias))
        for form in (term, *aliases):
            k = _key(form)
            if seen.get(k, line) != line:
                raise GlossaryError(
                    f"{name}, line {line}: '{form}' is already defined on line "
                    f"{seen[k]}; keep one of them."
                )
            seen[k] = line
        terms.append(Term(term, plain, aliases, source))
    if not terms:
        raise GlossaryError(f"{name} has a header but no terms.")
    return Glossary(tuple(terms))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Glossary:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GlossaryError(f"{p.name} is not UTF-8 text; save it as 'CSV UTF-8'.") from None
    except OSError as exc:
        raise GlossaryError(f"{p}: cannot be read ({exc.strerror}).") from None
    return parse_csv(text, p.name)


def builtin(path: str | Path | None = None) -> Glossary:
    """The organisation's glossary: ``path``, else the ``glossary`` setting, else the shipped file.

    Cached per file and modification time, so an edited file is read again without a restart.
    """
    chosen = Path(path or str(config.get("glossary") or "") or BUILTIN_PATH)
    try:
        mtime = chosen.stat().st_mtime
    except OSError:
        raise GlossaryError(f"The glossary file {chosen} does not exist.") from None
    return _load(str(chosen), mtime)


def user_terms(frame: pd.DataFrame) -> list[Term]:
    """The uploaded glossary table (term, plain) as terms; rows without both are skipped."""
    if frame is None or frame.empty or not {"term", "plain"} <= set(frame.columns):
        return []
    out: dict[str, Term] = {}
    for term, plain in zip(frame["term"], frame["plain"], strict=False):
        if not isinstance(term, str) or not isinstance(plain, str):
            continue
        term, plain = term.strip(), " ".join(plain.split())
        if term and plain and len(term) <= MAX_TERM_LENGTH and re.search(r"\w", term):
            out[_key(term)] = Term(term, plain, (), USER)  # the last row for a term wins
    return list(out.values())


def for_dataset(frame: pd.DataFrame, base: Glossary | None = None) -> Glossary:
    """The built-in glossary extended and overridden by the user's uploaded glossary table."""
    return (base or builtin()).extended(user_terms(frame))
