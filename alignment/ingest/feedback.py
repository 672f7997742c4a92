"""Feedback of every form to one rating per respondent x initiative x dimension."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from alignment import schema
from alignment.dataset import (
    COMMENT_COLUMNS,
    FEEDBACK_COLUMNS,
)
from alignment.ingest.headers import _SURVEY_HEADER, _blank, _dimension_of, _is_comment_question
from alignment.ingest.layouts.base import SurveyColumn
from alignment.ingest.matching import Initiatives, Match, find_initiative
from alignment.ingest.model import ImportChoices
from alignment.ingest.sheet import _Chunk, _Collector, _parse_columns
from alignment.ingest.sides import infer_side
from alignment.problems import Note, Problem
from alignment.schema import Kind
from alignment.values import (
    WordRating,
    coerce,
    distinct_cells,
    parser_for,
    rating_cells,
)


def _rating_values(
    codes: np.ndarray,
    parsed: np.ndarray,
    scale: tuple[float, float],
    rows: np.ndarray,
    label: str,
    field_name: str,
    raw: np.ndarray,
    col: _Collector,
) -> np.ndarray:
    """Words onto the scale, out-of-range numbers to missing with a warning naming the cell.

    ``parsed`` holds one parsed value per distinct cell and ``codes`` each row's distinct cell
    (``values.coerce_distinct``). Words are told apart from numbers by type, per distinct cell,
    never by value: a ``WordRating`` equals (and hashes like) the float of its 1..5 position, so
    "Agree" and a typed 4 would otherwise share one entry and one of them would land on the
    wrong point of a 1..7 scale. Returns a fresh float array, one rating per row.
    """
    lo, hi = scale
    numbers = pd.to_numeric(pd.Series(parsed, dtype=object), errors="coerce").to_numpy(
        dtype=float, copy=True
    )
    is_word = np.fromiter(
        (isinstance(v, WordRating) for v in parsed), dtype=bool, count=len(parsed)
    )
    if is_word.any():
        numbers[is_word] = lo + (numbers[is_word] - 1) * (hi - lo) / 4
    out = numbers[codes]
    bad = (out < lo) | (out > hi)
    if bad.any():
        lo_s, hi_s = f"{lo:g}", f"{hi:g}"
        if schema.scale_from_header(label):
            hint = f"If the scale is not {lo_s}–{hi_s}, correct it in the header '{label}'."
        else:
            hint = (
                "If this dimension uses another scale, write it in the header, "
                f"e.g. '{label} (1-7)', or set it on the Data page."
            )
        col.warn_cells(
            rows[bad],
            field_name,
            raw[bad],
            [
                f"{label}: {v:g} is outside the {lo_s}–{hi_s} scale; the rating was left empty "
                f"(the rest of the row is kept). {hint}"
                for v in out[bad]
            ],
        )
        out[bad] = np.nan
    return out


def _scale_for(dimension: str, header: str, settings: ImportChoices) -> tuple[float, float]:
    declared = schema.scale_from_header(header)
    if declared:
        return float(declared[0]), float(declared[1])
    if dimension in settings.scales:
        lo, hi = settings.scales[dimension]
        return float(lo), float(hi)
    known = schema.DIMENSION_BY_NAME.get(dimension)
    lo, hi = known.scale if known else schema.DEFAULT_SCALE
    return float(lo), float(hi)


# The columns of a response that every one of its ratings repeats.
_BASE_COLS = ("respondent", "group", "side", "initiative", "comment", "date")


_RATING_COLS = ("respondent", "group", "side", "initiative", "date", "_row", "_resp")


@dataclass
class _Piece:
    """Ratings of one column (wide, survey) or of a whole long sheet: the response rows they
    come from (positions in the sheet's kept rows) and, aligned with them or as one value for
    all, what each rating says."""

    pos: np.ndarray
    dimension: object  # a name, or an array of names
    rating: np.ndarray
    scale_min: object  # a number, or an array
    scale_max: object
    initiative: object = None  # survey exports name the initiative in the column header


def _spread(value: object, n: int, dtype: object) -> np.ndarray:
    if isinstance(value, np.ndarray):
        return value
    out = np.empty(n, dtype=dtype)
    out[:] = value
    return out


# The text columns of a rating: each row holds a code into its sheet's table of distinct values.
_CODED = ("respondent", "group", "side", "initiative", "dimension", "date")


@dataclass
class _Rated:
    """One sheet's rated answers: equal-length arrays (``_row``, ``_resp``, ``rating``,
    ``scale_min``, ``scale_max`` and the codes of the ``_CODED`` columns) and, per coded column,
    the table of distinct values its codes point into (a missing value is a NaN entry)."""

    cols: dict[str, np.ndarray]
    tables: dict[str, np.ndarray]
    dateless: bool  # the sheet has no date column


def _ratings(
    pieces: list[_Piece], codes: dict[str, np.ndarray], tables: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The pieces as one long table of rated answers, in piece order, the ratings left empty
    dropped; survey items and dimension names join their columns' tables."""
    tables = dict(tables)
    if not pieces:
        empty = np.empty(0, dtype=np.intp)
        pieces = [_Piece(empty, np.empty(0, dtype=object), np.empty(0), np.nan, np.nan)]
    pos = np.concatenate([p.pos for p in pieces])
    out = {c: codes[c][pos] for c in ("respondent", "group", "side", "date", "_row", "_resp")}
    items: list[object] = []
    parts = []
    for p in pieces:
        if p.initiative is None:
            parts.append(codes["initiative"][p.pos])
        else:
            parts.append(np.full(len(p.pos), len(tables["initiative"]) + len(items)))
            items.append(p.initiative)
    out["initiative"] = np.concatenate(parts)
    if items:
        tables["initiative"] = np.concatenate([tables["initiative"], np.array(items, dtype=object)])
    names: list[object] = []
    parts = []
    for p in pieces:
        if isinstance(p.dimension, np.ndarray):  # long sheets: a dimension per row
            found, distinct = pd.factorize(p.dimension)
            parts.append(found + len(names))
            names.extend(distinct)
        else:
            parts.append(np.full(len(p.pos), len(names)))
            names.append(p.dimension)
    out["dimension"] = np.concatenate(parts).astype(np.intp, copy=False)
    tables["dimension"] = np.array(names, dtype=object)
    out["rating"] = np.concatenate([p.rating for p in pieces]).astype(float, copy=False)
    out["scale_min"] = np.concatenate([_spread(p.scale_min, len(p.pos), float) for p in pieces])
    out["scale_max"] = np.concatenate([_spread(p.scale_max, len(p.pos), float) for p in pieces])
    rated = ~np.isnan(out["rating"])
    if not rated.all():
        out = {c: a[rated] for c, a in out.items()}
    return out, tables


def _feedback_chunk(
    chunk: _Chunk, settings: ImportChoices
) -> tuple[_Rated, pd.DataFrame, _Collector]:
    """One feedback sheet -> its rated answers and its comments."""
    table = schema.FEEDBACK
    col = _Collector(chunk, "feedback")
    cols = chunk.cols
    rows = cols["_row"]
    n = len(rows)
    skip = (*schema.FEEDBACK_RATING_FIELDS, "score", "dimension")
    distinct = _parse_columns(chunk, table, col, skip=skip)
    parsed = {c: values[codes] for c, (codes, values) in distinct.items()}
    form = chunk.report.form
    absent = (np.zeros(n, dtype=np.intp), np.array([np.nan], dtype=object))
    arrays = {c: distinct.get(c, absent)[0] for c in _CODED if c != "dimension"}
    tables = {c: distinct.get(c, absent)[1] for c in _CODED if c != "dimension"}
    no_initiative = pd.isna(tables["initiative"])[arrays["initiative"]]
    arrays["_row"] = rows
    arrays["_resp"] = rows  # the row that starts each response; long form groups its rows below
    base = pd.DataFrame(
        {
            c: pd.Series(parsed[c], index=chunk.index, dtype=object) if c in parsed else np.nan
            for c in _BASE_COLS
        },
        index=chunk.index,
    )
    base["_row"] = rows
    base["_resp"] = rows
    if form != "long" and "respondent" not in cols and n:
        resp = _same_person(cols, rows, col)
        arrays["_resp"] = resp
        base["_resp"] = resp
    pieces: list[_Piece] = []
    comment_pieces: list[pd.DataFrame] = []
    every = np.arange(n)
    if form == "survey":
        by_row: np.ndarray | None = None  # rows that name their initiative, when one column does
        for c in [c for c in cols if c.startswith("__extra__")]:
            header = c[len("__extra__") :]
            spec = chunk.survey.get(c) or _survey_spec(header)
            if spec.about_row and by_row is None:
                by_row = _require_initiative(no_initiative, rows, col)
            if spec.comment:
                texts = coerce(
                    pd.Series(cols[c], index=chunk.index, dtype=object), parser_for(Kind.TEXT)
                )[0]
                piece = base.assign(comment=texts)
                if spec.item is not None:
                    piece = piece.assign(initiative=spec.item)
                keep_c = piece["comment"].notna().to_numpy()
                if by_row is not None and spec.about_row:
                    keep_c = keep_c & by_row
                comment_pieces.append(piece[keep_c])
                continue
            dim = _dimension_of(spec.dimension_text)
            codes, values, probs = rating_cells(cols[c])
            chunk.header_of[c] = header
            _warn_rating_problems(col, c, cols[c], codes, probs, header)
            scale = _scale_for(dim, header, settings)
            rating = _rating_values(codes, values, scale, rows, header, c, cols[c], col)
            if spec.about_row:
                pos = np.flatnonzero(by_row)
                pieces.append(_Piece(pos, dim, rating[pos], scale[0], scale[1]))
            else:
                pieces.append(_Piece(every, dim, rating, scale[0], scale[1], initiative=spec.item))
        if "comment" in parsed:
            comment_pieces.append(base[base["comment"].notna()])
    elif form == "long":
        keep = _require_initiative(no_initiative, rows, col)
        dim_codes, dim_cells = distinct_cells(cols["dimension"])
        dims = np.array(
            [np.nan if _blank(v) else _dimension_of(v) for v in dim_cells], dtype=object
        )[dim_codes]
        resp = _long_form_responses(
            base, pd.Series(dims, index=chunk.index, dtype=object), distinct
        )
        base["_resp"] = resp
        arrays["_resp"] = resp
        no_dim = pd.isna(dims) & keep
        if no_dim.any():
            col.reject(
                rows[no_dim],
                "This row has no dimension, so its score cannot be placed; it was set aside.",
                "dimension",
            )
        keep &= ~no_dim
        codes, values, probs = rating_cells(cols["score"])
        _warn_rating_problems(
            col, "score", cols["score"], codes, probs, chunk.header_of.get("score", "score")
        )
        score_header = chunk.header_of.get("score", "")
        rating = np.full(n, np.nan)
        scale_min = np.full(n, np.nan)
        scale_max = np.full(n, np.nan)
        for dim in pd.unique(dims[keep]):
            sel = (dims == dim) & keep
            scale = _scale_for(dim, score_header, settings)
            rating[sel] = _rating_values(
                codes[sel],
                values,
                scale,
                rows[sel],
                table.field("score").label,
                "score",
                cols["score"][sel],
                col,
            )
            scale_min[sel], scale_max[sel] = scale
        pos = np.flatnonzero(keep)
        pieces.append(_Piece(pos, dims[pos], rating[pos], scale_min[pos], scale_max[pos]))
        comment_pieces.append(
            base[keep & base["comment"].notna().to_numpy()].drop_duplicates(
                subset=["respondent", "_resp", "initiative", "comment"]
            )
        )
    else:
        keep = _require_initiative(no_initiative, rows, col)
        pos = np.flatnonzero(keep)
        for dim in schema.FEEDBACK_RATING_FIELDS:
            if dim not in cols:
                continue
            header = chunk.header_of.get(dim, dim)
            codes, values, probs = rating_cells(cols[dim])
            _warn_rating_problems(col, dim, cols[dim], codes, probs, header)
            scale = _scale_for(dim, header, settings)
            rating = _rating_values(codes, values, scale, rows, header, dim, cols[dim], col)
            pieces.append(_Piece(pos, dim, rating[pos], scale[0], scale[1]))
        comment_pieces.append(base[keep & base["comment"].notna().to_numpy()])
    rated, tables = _ratings(pieces, arrays, tables)
    if form == "survey":
        answered = set(rated["_row"].tolist()) | set(
            pd.concat(comment_pieces)["_row"] if comment_pieces else []
        )
        empty_rows = [r for r in rows if r not in answered]
        if empty_rows:
            col.reject(empty_rows, "This response has no rating at all; it was set aside.")
    comments = pd.concat(comment_pieces, ignore_index=True) if comment_pieces else base.iloc[0:0]
    return _Rated(rated, tables, "date" not in distinct), comments, col


def _same_person(cols: dict[str, np.ndarray], rows: np.ndarray, col: _Collector) -> np.ndarray:
    """Without a respondent column, the row that starts each person's answers.

    A hand-kept survey sheet often has one row per person and initiative, with the person's
    timestamp and team repeated on each: counting every row as a respondent would count one
    person once per initiative, and several of their rows could pass the anonymity threshold on
    their own. Rows that share a timestamp (with its time of day) and a team, and rate
    different initiatives, are one person; otherwise each row counts as one, and the note says
    what that does to n.
    """
    report = col.chunk.report
    grouped = None
    if "date" in cols and "initiative" in cols:
        d_codes, d_cells = distinct_cells(cols["date"])
        stamped = np.fromiter((_has_time(v) for v in d_cells), dtype=bool, count=len(d_cells))
        if len(d_codes) and stamped[d_codes].mean() >= 0.8:
            g_codes = distinct_cells(cols["group"])[0] if "group" in cols else d_codes * 0
            who, _ = pd.factorize(d_codes.astype(np.int64) * (int(g_codes.max()) + 2) + g_codes)
            items = distinct_cells(cols["initiative"])[0]
            pairs = pd.DataFrame({"who": who, "item": items})
            if not pairs.duplicated().any() and who.max() + 1 < len(rows):
                first = pd.Series(rows).groupby(who).transform("first").to_numpy()
                grouped = first.astype(rows.dtype)
    if grouped is not None:
        people = len(pd.unique(grouped))
        col.notes.append(
            Note(
                f"There is no respondent column, so rows with the same timestamp and team were "
                f"counted as one person: {people} respondents from {len(rows)} rows.",
                report.file,
                report.sheet,
            )
        )
        return grouped
    if "initiative" in cols or report.form == "survey":
        col.notes.append(
            Note(
                "There is no respondent column, so each row is counted as one respondent. If one "
                "person filled in several rows, n counts them several times: cells can look "
                "larger than they are, and the intervals narrower. Add a respondent column "
                "(a name or an e-mail address, never shown) to count each person once.",
                report.file,
                report.sheet,
            )
        )
    return rows


def _has_time(value: object) -> bool:
    """Whether a timestamp cell carries a time of day (not a bare date)."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return bool(value.hour or value.minute or value.second)
    return isinstance(value, str) and ":" in value


def _warn_shared_claims(
    long: dict[str, np.ndarray],
    ref_codes: np.ndarray,
    refs: np.ndarray,
    item_codes: np.ndarray,
    items: np.ndarray,
    tables: dict[str, np.ndarray],
    collectors: list[_Collector],
) -> None:
    """One warning per initiative that two different statements of one question claim: their
    ratings would be merged as one, so the reader should know which statements they were."""
    frame = pd.DataFrame(
        {
            "src": long["_src"],
            "dim": tables["dimension"][long["dimension"]],
            "item": item_codes,
            "ref": ref_codes,
        }
    ).drop_duplicates()
    shared = frame.groupby(["src", "dim", "item"])["ref"].nunique()
    for src, dim, item in shared[shared > 1].index:
        texts = frame[(frame["src"] == src) & (frame["dim"] == dim) & (frame["item"] == item)]
        quoted = " and ".join(f"'{refs[r]}'" for r in texts["ref"])
        col = collectors[src]
        col.problems.append(
            Problem(
                "warning",
                f"Two statements, {quoted}, both name initiative '{items[item]}' for the same "
                "question, so each person's answer to it counts once (the later one). If they "
                "mean different initiatives, name each one in its statement.",
                col.chunk.report.file,
                col.chunk.report.sheet,
                None,
                "",
                "",
                "feedback",
            )
        )


def _survey_spec(header: str) -> SurveyColumn:
    """A 'Question [Item]' header as a survey column (the layouts usually say it already)."""
    m = _SURVEY_HEADER.match(header)
    if not m:
        return SurveyColumn(header)
    question = m.group("question")
    return SurveyColumn(question, m.group("item").strip(), comment=_is_comment_question(question))


def _long_form_responses(
    base: pd.DataFrame,
    dims: pd.Series,
    coded: dict[str, tuple[np.ndarray, np.ndarray]] | None = None,
) -> np.ndarray:
    """The first row of the response each long-form row belongs to.

    A long sheet spends one row per dimension, so one person's answer about one initiative is a
    run of consecutive rows with the same respondent, group, side, initiative and date. Counting
    each row as a respondent would count one person rating five dimensions as five people, and
    one person's ratings would then pass the anonymity threshold on their own. A run ends where
    those cells change or a dimension repeats; when in doubt rows are merged, never split, so n
    is never overstated.

    ``coded`` holds the columns as parsed once per distinct cell (codes, value per code):
    comparing those codes, remapped so that cells parsed to one value share one code, costs a
    hash of the few distinct values instead of a million cells per column.
    """
    coded = coded or {}
    rows = base["_row"].to_numpy()
    n = len(rows)
    changed = np.ones(n, dtype=bool)
    if n:
        changed[1:] = False
        for c in ("respondent", "group", "side", "initiative", "date"):
            # Codes compare what the cells compare (a missing cell matches a missing one), in
            # one hashing pass instead of an object comparison of every row with the previous.
            if c in coded:
                cell_codes, values = coded[c]
                same = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)[0]
                codes = same[cell_codes] if len(same) else np.full(n, -1)
            else:
                codes = pd.factorize(base[c].astype(object), use_na_sentinel=True)[0]
            changed[1:] |= codes[1:] != codes[:-1]
    dim_codes = pd.factorize(dims)[0].astype(np.int64)
    run = np.cumsum(changed) - 1
    out = rows[np.flatnonzero(changed)][run] if n else rows.copy()
    # A dimension met twice in one run starts a new response there. Most runs repeat none
    # (found in one vectorised pass); only the runs that do are walked row by row.
    repeated = pd.Series(run * (int(dim_codes.max(initial=0)) + 2) + dim_codes + 1).duplicated()
    if repeated.any():
        walk = np.flatnonzero(np.isin(run, np.unique(run[repeated.to_numpy()])))
        seen: set[int] = set()
        start = 0
        for i in walk.tolist():
            code = int(dim_codes[i])
            if changed[i] or code in seen:
                start, seen = rows[i], set()
            seen.add(code)
            out[i] = start
    return out


def _warn_rating_problems(
    col: _Collector,
    field_name: str,
    cells: np.ndarray,
    codes: np.ndarray,
    problems: np.ndarray,
    header: str,
) -> None:
    bad_distinct = pd.notna(problems)
    if bad_distinct.any():
        bad = bad_distinct[codes]
        col.chunk.header_of.setdefault(field_name, header)
        col.warn_cells(
            col.chunk.cols["_row"][bad],
            field_name,
            cells[bad],
            (
                f"{header}: {p}; the rating was left empty (the rest of the row is kept)."
                for p in problems[codes[bad]]
            ),
        )


def _require_initiative(missing: np.ndarray, rows: np.ndarray, col: _Collector) -> np.ndarray:
    """Rows that name no initiative (``missing``) are set aside; returns the keep mask."""
    if "initiative" not in col.chunk.cols:
        col.reject_unmapped(rows, schema.FEEDBACK.field("initiative").label)
    elif missing.any():
        col.reject(
            rows[missing],
            "This row does not say which initiative it rates; "
            "it was set aside. Fill in the initiative's ID or name.",
            "initiative",
        )
    return ~missing


def _resolve_refs(
    refs: pd.Series, lookup: dict[str, str], spelling: dict[str, str]
) -> tuple[pd.Series, pd.Series]:
    """Initiative references (id or name, any case) -> ids; and a mask of unknown references.

    ``lookup``: folded id or name -> id of a known initiative. ``spelling``: folded reference ->
    the spelling that stands for an unknown one. Folding runs once per distinct reference; each
    row costs one dict lookup.
    """
    canonical: dict[object, str] = {}
    unknown_refs: list[object] = []
    for ref in pd.unique(refs.dropna()):
        key = schema.fold_key(ref)
        if key in lookup:
            canonical[ref] = lookup[key]
        else:
            canonical[ref] = spelling.get(key, ref)
            unknown_refs.append(ref)
    return refs.map(canonical), refs.isin(unknown_refs)


def _suggest(ref: str, choices: dict[str, str]) -> str:
    if not choices:
        return ""
    hit = process.extractOne(
        schema.fold_key(ref), list(choices), scorer=fuzz.WRatio, score_cutoff=80
    )
    return f" Did you mean '{choices[hit[0]]}'?" if hit else ""


def _by_value(
    table: np.ndarray, more: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Equal values as one: (for each entry of ``table`` its value's number, the values, for
    each of ``more`` its value's number); a missing value is -1. Sheets' tables repeat values
    (two cells that read the same, two sheets naming the same group)."""
    more = np.empty(0, dtype=object) if more is None else more
    codes, values = pd.factorize(np.concatenate([table, more]))
    return codes[: len(table)], np.asarray(values, dtype=object), codes[len(table) :]


def _by_count(codes: np.ndarray, size: int) -> np.ndarray:
    """The values' numbers (``codes``, -1 for missing, below ``size``) most frequent first,
    ties in order of first appearance, missing left out: ``value_counts()`` on numbers."""
    codes = codes[codes >= 0]
    seen = pd.unique(codes)  # in order of first appearance
    counts = np.bincount(codes, minlength=size)
    return seen[np.argsort(-counts[seen], kind="stable")]


def _respondent_keys(
    people: np.ndarray, names: np.ndarray, src: np.ndarray, resp: np.ndarray
) -> np.ndarray:
    """Who answered, as a key that counts each person once: the folded name, else the response.

    ``people``: each rating's number into the distinct ``names`` (-1 when it has none). Without
    a respondent name each response counts as one respondent (the method's n rule): a row of a
    wide sheet or survey export, a run of rows of a long sheet (``_resp``). Keys are integers,
    equal exactly when the people are: folded names first, then (sheet, response) pairs.
    """
    keys = np.empty(len(people), dtype=np.int64)
    named = people >= 0
    folded, _ = pd.factorize(np.array([schema.fold_key(v) for v in names], dtype=object))
    keys[named] = folded[people[named]]
    if not named.all():
        width = int(resp.max()) + 1
        pairs, _ = pd.factorize(src[~named].astype(np.int64) * width + resp[~named])
        keys[~named] = len(names) + pairs
    return keys


def _warn_repeated_answers(
    dup: np.ndarray,
    kept: np.ndarray,
    item: np.ndarray,
    src: np.ndarray,
    row: np.ndarray,
    collectors: list[_Collector],
) -> None:
    """One warning per response row whose ratings a later answer of the same person replaced.

    ``dup``: the replaced ratings (positions, in the order the answers were sorted); ``kept``:
    for each, the rating that replaced it; ``item``: for each, its initiative. A whole survey
    submitted twice repeats every initiative and dimension: one message per rating would bury
    the report, so each superseded row gets one, naming the row that counts.
    """
    by_row = np.lexsort((row[dup], src[dup]))  # stable: the sorted order within a row
    dup, kept, item = dup[by_row], kept[by_row], item[by_row]
    src_, row_ = src[dup], row[dup]
    kept_src, kept_row = src[kept], row[kept]
    starts = np.flatnonzero(np.r_[True, (src_[1:] != src_[:-1]) | (row_[1:] != row_[:-1])])
    for a, b in zip(starts, [*starts[1:], len(src_)], strict=True):
        later = []
        for k_src, k_row in sorted(set(zip(kept_src[a:b], kept_row[a:b], strict=True))):
            where = "" if k_src == src_[a] else f" of {collectors[k_src].chunk.report.where}"
            later.append(f"row {k_row}{where}")
        items = sorted(set(item[a:b]))
        shown = ", ".join(f"'{i}'" for i in items[:5]) + (" …" if len(items) > 5 else "")
        collectors[src_[a]].warn_cells(
            [row_[a]],
            "respondent",
            [""],
            [
                f"The same respondent answered {shown} again on {' and '.join(later)}; only the "
                f"later answer counts, so {b - a} rating(s) of this row were left out."
            ],
        )


def _str_column(distinct: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``Series(distinct[codes]).astype(str)``, converting each distinct value once."""
    return pd.Series(distinct, dtype=object).astype(str).array.take(codes)


def _datetimes(
    codes: np.ndarray, distinct: np.ndarray, dateless: np.ndarray
) -> pd.api.extensions.ExtensionArray:
    """``pd.to_datetime(pd.Series(distinct[codes], dtype=object), errors="coerce")``'s values,
    converting each distinct date once instead of 100k Timestamp objects.

    pandas picks the result's resolution (s, us, ...) from the objects it converts: every one,
    or, when its cache applies, the first of each distinct value. The same choice is made here,
    so the column keeps the unit it always had. ``dateless`` marks the NaN that stands for a
    sheet without dates: there pandas met a new float object on every row.
    """
    n = len(codes)
    present = pd.unique(codes)  # in order of first appearance
    objects = distinct[present]
    converted = pd.to_datetime(pd.Series(objects, dtype=object), errors="coerce", cache=False)
    # pandas.core.tools.datetimes.should_cache: a sample of the first values, mostly repeats.
    head = codes[: n // 10 if n <= 5000 else 500]
    sample = {object() if dateless[c] else distinct[c] for c in head.tolist()}
    if n > 50 and len(sample) <= len(head) * 0.7:
        firsts = pd.unique(objects)
        if len(firsts) < n:
            unit = pd.to_datetime(pd.Series(firsts, dtype=object), errors="coerce", cache=False)
            converted = converted.astype(unit.dtype)
    position = np.zeros(len(distinct), dtype=np.intp)
    position[present] = np.arange(len(present))
    return converted.array.take(position[codes])


def _feedback_table(
    chunks: list[_Chunk], initiatives: pd.DataFrame, settings: ImportChoices
) -> tuple[
    pd.DataFrame, pd.DataFrame, dict[str, str], dict[str, str], list[_Collector], list[Problem]
]:
    """Every sheet's ratings as one table: initiatives resolved, respondents pseudonymised and
    counted once, a person's repeated answer replaced by the later one, groups and sides.

    The ratings (~100k rows) stay plain arrays of codes throughout: each sheet's text columns
    point into its tables of distinct values, which are joined and grouped by value here (a few
    hundred initiatives, groups and dates), so every step works on the distinct values and
    expands them once by the codes. Comments (a few thousand rows at most) go through pandas.
    """
    rateds: list[_Rated] = []
    comments, collectors = [], []
    for i, chunk in enumerate(chunks):
        rated, comm, col = _feedback_chunk(chunk, settings)
        rated.cols["_src"] = np.full(len(rated.cols["_row"]), i, dtype=np.int64)
        comm["_src"] = i
        rateds.append(rated)
        comments.append(comm)
        collectors.append(col)
    comm = pd.concat(comments, ignore_index=True) if comments else pd.DataFrame()
    extra: list[Problem] = []
    if not sum(len(r.cols["_row"]) for r in rateds):
        cols = list(FEEDBACK_COLUMNS)
        return (
            pd.DataFrame(columns=cols),
            pd.DataFrame(columns=list(COMMENT_COLUMNS)),
            {},
            {},
            collectors,
            extra,
        )
    long = {c: np.concatenate([r.cols[c] for r in rateds]) for c in rateds[0].cols}
    tables: dict[str, np.ndarray] = {}
    for c in _CODED:  # the sheets' codes, made to point into the sheets' tables joined
        offsets = np.cumsum([0, *[len(r.tables[c]) for r in rateds[:-1]]])
        long[c] = np.concatenate([r.cols[c] + o for r, o in zip(rateds, offsets, strict=True)])
        tables[c] = np.concatenate([r.tables[c] for r in rateds])
    dateless = np.concatenate([np.full(len(r.tables["date"]), r.dateless) for r in rateds])
    n = len(long["_row"])
    comm_column = (
        (lambda c: comm[c].to_numpy(dtype=object))
        if not comm.empty
        else (lambda c: np.empty(0, dtype=object))
    )
    # Initiative references -> ids.
    lookup: dict[str, str] = {}
    for ident, name in zip(initiatives["id"], initiatives["name"], strict=False):
        lookup.setdefault(schema.fold_key(name), ident)
    for ident in initiatives["id"]:
        lookup[schema.fold_key(ident)] = ident
    names = {
        schema.fold_key(n): f"{i} {n}"
        for i, n in zip(initiatives["id"], initiatives["name"], strict=False)
    }
    # References to initiatives the table does not hold (or when there is no table) still
    # name one initiative however they are spelt: the most used spelling stands for the rest.
    ref_of, refs, comm_refs = _by_value(tables["initiative"], comm_column("initiative"))
    ref_codes = ref_of[long["initiative"]]  # none missing: such rows were set aside
    spelling: dict[str, str] = {}
    for k in _by_count(np.concatenate([ref_codes, comm_refs]), len(refs)):
        # most used first; ties go to the spelling seen first
        spelling.setdefault(schema.fold_key(refs[k]), refs[k])
    # Survey statements name their initiative inside their wording: matched by id or name.
    statements = {
        spec.item for chunk in chunks for spec in chunk.survey.values() if spec.item is not None
    }
    known = Initiatives.of(initiatives["id"], initiatives["name"]) if len(initiatives) else None
    aliases = {schema.fold_key(k): v for k, v in settings.aliases.items()}
    canonical = np.empty(len(refs), dtype=object)
    unknown_ref = np.zeros(len(refs), dtype=bool)
    unmatched: dict[str, Match] = {}  # statement -> why it names no initiative
    for k, ref in enumerate(refs):
        key = schema.fold_key(ref)
        if key in aliases and schema.fold_key(aliases[key]) in lookup:
            canonical[k] = lookup[schema.fold_key(aliases[key])]
        elif key in lookup:
            canonical[k] = lookup[key]
        elif ref in statements and known is not None:
            match = find_initiative(ref, known)
            if match.initiative is not None:
                canonical[k] = match.initiative
            else:
                canonical[k], unknown_ref[k] = ref, True
                unmatched[ref] = match
        else:
            canonical[k], unknown_ref[k] = spelling.get(key, ref), True
    item_of, items = pd.factorize(canonical)
    item_codes = item_of[ref_codes]
    items = np.asarray(items, dtype=object)
    unknown = unknown_ref[ref_codes]
    if len(initiatives) and unknown.any():
        where = np.flatnonzero(unknown)
        found = (
            pd.DataFrame(
                {"src": long["_src"][where], "item": item_codes[where], "row": long["_row"][where]}
            )
            .groupby(["src", "item"])["row"]
            .agg(["min", "nunique", "size"])
        )
        for (src, code), first, count, ratings in sorted(
            zip(found.index, found["min"], found["nunique"], found["size"], strict=True),
            key=lambda g: (g[0][0], items[g[0][1]]),
        ):
            ref = items[code]
            if ref in unmatched:
                match = unmatched[ref]
                if match.how == "ambiguous":
                    why = "names several initiatives (" + ", ".join(match.candidates) + ")"
                else:
                    why = "names no initiative of the initiatives table"
                message = (
                    f"The survey statement '{ref}' {why}; its {ratings} rating(s) are kept under "
                    "that text. Choose its initiative on the Data page (or in a mapping file), "
                    "or name one initiative (its ID or name) in the statement."
                )
                collectors[src].chunk.report.unmatched_statements.append(str(ref))
            else:
                message = (
                    f"Initiative '{ref}' is not in the initiatives table "
                    f"({count} row(s) refer "
                    f"to it); the ratings are kept under that name.{_suggest(ref, names)}"
                )
            collectors[src].warn_cells([first], "initiative", [ref], [message])
    if statements and known is not None:
        _warn_shared_claims(long, ref_codes, refs, item_codes, items, tables, collectors)
    # With no initiatives table, every statement names an initiative of the survey's own (not
    # "0 initiatives"); with one, only those found in it count.
    named = ~unknown if known is not None else np.ones(len(unknown), dtype=bool)
    for src, col in enumerate(collectors):
        mine = (long["_src"] == src) & named
        col.chunk.report.initiatives_named = int(len(pd.unique(item_codes[mine])))
    # Respondents: a stable pseudonym; names are never kept.
    person_of, people_named, comm_people = _by_value(
        tables["respondent"], comm_column("respondent")
    )
    person_codes = person_of[long["respondent"]]
    srcs, resps = long["_src"], long["_resp"]
    if not comm.empty:
        srcs = np.concatenate([srcs, comm["_src"].to_numpy(dtype=np.int64)])
        resps = np.concatenate([resps, comm["_resp"].to_numpy(dtype=np.int64)])
    all_keys = _respondent_keys(
        np.concatenate([person_codes, comm_people]), people_named, srcs, resps
    )
    key, n_keys = all_keys[:n], n
    # De-duplicate a named respondent's repeated answer: the latest one counts.
    named = np.flatnonzero(person_codes >= 0)
    dim_of, dims, _ = _by_value(tables["dimension"])
    dim_codes = dim_of[long["dimension"]]
    if len(named):
        # Dates ranked as sort_values ranks them; missing ones (-1) first.
        date_rank = pd.Categorical(tables["date"], ordered=True).codes[long["date"]]
        order = named[np.lexsort((long["_row"][named], long["_src"][named], date_rank[named]))]
        answer = (key[order] * len(items) + item_codes[order]) * max(len(dims), 1) + dim_codes[
            order
        ]
        answer_codes, _ = pd.factorize(answer)
        repeated = np.bincount(answer_codes)[answer_codes] > 1
        if repeated.any():
            # Among the answers given more than once, all but the last (in date order) go.
            at, again = order[repeated], answer_codes[repeated]
            dup = pd.Index(again).duplicated(keep="last")
            last = dict(zip(again[~dup].tolist(), at[~dup].tolist(), strict=True))
            replaced_by = np.array([last[a] for a in again[dup].tolist()], dtype=np.intp)
            _warn_repeated_answers(
                at[dup],
                replaced_by,
                items[item_codes[at[dup]]],
                long["_src"],
                long["_row"],
                collectors,
            )
            kept = np.ones(n, dtype=bool)
            kept[at[dup]] = False
            long = {c: a[kept] for c, a in long.items()}
            key, item_codes, dim_codes = key[kept], item_codes[kept], dim_codes[kept]
            n = len(key)
    codes, people = pd.factorize(key)
    labels = np.array([f"R{c + 1:05d}" for c in range(len(people))], dtype=object)
    # Groups: one spelling per folded name; sides from a column's majority, else the name.
    group_table = tables["group"].copy()
    group_table[pd.isna(group_table)] = "(no group)"
    raw_of, raw_groups, _ = _by_value(group_table)
    raw_codes = raw_of[long["group"]]
    spelling = {}
    for k in _by_count(raw_codes, len(raw_groups)):
        spelling.setdefault(schema.fold_key(raw_groups[k]), raw_groups[k])
    seen = pd.unique(raw_codes)  # in order of first appearance
    # Canonical names in order of first appearance, as the rows' raw names are.
    canonical_of, group_names = pd.factorize(
        np.array([spelling[schema.fold_key(g)] for g in raw_groups[seen]], dtype=object)
    )
    group_of = np.zeros(len(raw_groups), dtype=np.intp)
    group_of[seen] = canonical_of
    group_codes = group_of[raw_codes]
    group_names = np.asarray(group_names, dtype=object)
    declared: dict[str, str] = {}
    side_of, side_names, _ = _by_value(tables["side"])
    side_codes = side_of[long["side"]]
    side_given = side_codes >= 0
    if side_given.any():
        pair_codes, pairs = pd.factorize(
            group_codes[side_given].astype(np.int64) * len(side_names) + side_codes[side_given]
        )
        counts = np.bincount(pair_codes)
        best: dict[int, tuple[int, int]] = {}
        for k, pair in enumerate(pairs):  # first seen first, so ties go to the side seen first
            g, s = divmod(int(pair), len(side_names))
            if g not in best or counts[k] > best[g][0]:
                best[g] = (int(counts[k]), s)
        declared = {group_names[g]: side_names[s] for g, (_, s) in best.items()}
    sides: dict[str, str] = {}
    sources: dict[str, str] = {}
    for g in group_names:
        if g in declared:
            sides[g], sources[g] = declared[g], "from the file"
        else:
            sides[g], sources[g] = (
                infer_side(g, settings.tech_words, settings.business_words),
                "inferred from the name",
            )
        if g in settings.sides and settings.sides[g] in ("tech", "business", "unknown"):
            sides[g], sources[g] = settings.sides[g], "set by you"
    unknown_groups = [g for g, s in sides.items() if s == "unknown"]
    if unknown_groups:
        extra.append(
            Problem(
                "warning",
                f"The side (tech or business) of {len(unknown_groups)} group(s) could not "
                f"be inferred: {', '.join(unknown_groups[:8])}. Their ratings count for their "
                "group "
                "but for neither side; assign them on the Data page or add a Side column.",
                table="feedback",
                column="Group",
            )
        )
    rating, scale_min, scale_max = long["rating"], long["scale_min"], long["scale_max"]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = 100 * (rating - scale_min) / (scale_max - scale_min)
    feedback = pd.DataFrame(
        {
            "respondent": _str_column(labels, codes),
            "group": _str_column(group_names, group_codes),
            "side": _str_column(
                np.array([sides[g] for g in group_names], dtype=object), group_codes
            ),
            "initiative_id": _str_column(items, item_codes),
            "dimension": _str_column(dims, dim_codes),
            "rating": rating,
            "scale_min": scale_min,
            "scale_max": scale_max,
            "score": score,
            "date": _datetimes(long["date"], tables["date"], dateless),
        }
    )
    if comm.empty:
        comments_out = pd.DataFrame(columns=list(COMMENT_COLUMNS))
    else:
        # Each comment's initiative, pseudonym, group and side, looked up per distinct value.
        at_item = np.append(canonical, np.nan)[comm_refs]  # -1 (no initiative): NaN
        person = pd.Index(people).get_indexer(all_keys[n_keys:])
        group_codes, raw_groups = pd.factorize(
            comm["group"].astype(object).where(comm["group"].notna(), "(no group)").to_numpy()
        )
        comm_groups = np.array(
            [spelling.get(schema.fold_key(g), g) for g in raw_groups], dtype=object
        )
        comments_out = pd.DataFrame(
            {
                "respondent": pd.array(np.append(labels, "R-")[person], dtype="str"),
                "group": pd.array(comm_groups[group_codes], dtype="str"),
                "side": pd.array(
                    np.array([sides.get(g, "unknown") for g in comm_groups], dtype=object)[
                        group_codes
                    ],
                    dtype="str",
                ),
                "initiative_id": (
                    pd.array(at_item, dtype="str")
                    if (comm_refs >= 0).any()
                    else _resolve_refs(comm["initiative"], lookup, spelling)[0].array
                ),  # general comments only (no initiative): the all-NaN column pandas made
                "comment": comm["comment"].reset_index(drop=True),  # keeps its dtype
                "date": pd.to_datetime(comm["date"], errors="coerce").reset_index(drop=True),
            }
        )
    return feedback, comments_out, sides, sources, collectors, extra
