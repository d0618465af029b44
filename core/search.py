"""Text search over a large table, answered from indexes rather than one wide join.

The admin's and DRF's search both write ``a LIKE '%t%' OR b LIKE '%t%' …`` over the
row and its joined tables: at a million applications PostgreSQL joins four tables of a
million rows to test the condition (2–11 s a page). Here each search field becomes a
subquery of its own table, and a term matches the ids of their union:

    id IN (SELECT id FROM application WHERE title …
           UNION ALL SELECT id FROM application WHERE enterprise_id IN (SELECT id FROM enterprise …)
           UNION ALL SELECT application_id FROM product_detail WHERE product_name …)

Each subquery reads one table, through its trigram index on PostgreSQL (migration
``0008_search_trigram_indexes``), or for a term of two characters its index of
character pairs (``0009_search_bigram_indexes``); keys are followed table by table (a
designation's application's enterprise). The rows are those of the stock search: a term
is found in any of the fields (case-insensitively), every term must be found. Every desk
list searches so (``DeskAdminMixin.get_search_results``), and the API's application and
designation lists (``api.filters.SubquerySearchFilter``).
"""

import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import IContains
from django.utils.text import smart_split, unescape_string_literal

# pg_trgm reads trigrams of letters and digits; a term without three in a row has none,
# and its index would be read whole: three times slower than reading the table.
_TRIGRAM = re.compile(r"[^\W_]{3}")
TEXT_TYPES = {"CharField", "TextField"}


#: (table, column) of the columns with a trigram and a pair index on PostgreSQL; each
#: app names its own (``index_columns`` in its ``AppConfig.ready``).
INDEXED: set[tuple[str, str]] = set()


def index_columns(model, *fields: str) -> None:
    """Declare that ``model``'s ``fields`` carry the trigram and pair indexes."""
    table = model._meta.db_table
    INDEXED.update((table, model._meta.get_field(name).column) for name in fields)


class _IndexedContains(IContains):
    """``icontains``, written on PostgreSQL in the form the column's index serves.

    - A term with a trigram: ``column ILIKE '%term%'``, served by the trigram index
      (Django writes ``UPPER(column::text) LIKE UPPER(…)``, which only an index on that
      expression would serve).
    - A term of two characters or more without one, on an indexed column: the rows
      whose pairs of characters include the term's (``desk_bigrams``, served by the
      pair index), then, for a longer term, ``UPPER(…) LIKE`` on those. Not ILIKE: the
      planner would also read the whole trigram index for it.
    - Anything else, and every other database: as Django writes it.
    """

    def as_sql(self, compiler, connection):
        own = self.lhs.output_field.get_lookup(self.lookup_name)
        if own is not IContains:  # a field with an icontains of its own (JSON)
            return compiler.compile(own(self.lhs, self.rhs))
        text = self.lhs.output_field.get_internal_type() in TEXT_TYPES
        if connection.vendor != "postgresql" or not text or not isinstance(self.rhs, str):
            return super().as_sql(compiler, connection)
        if _TRIGRAM.search(self.rhs):
            lhs_sql, lhs_params = compiler.compile(self.lhs)
            rhs_sql, rhs_params = self.process_rhs(compiler, connection)
            return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *rhs_params)
        target = getattr(self.lhs, "target", None)
        column = (target.model._meta.db_table, target.column) if target is not None else None
        if len(self.rhs) < 2 or column not in INDEXED:
            return super().as_sql(compiler, connection)
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        pairs_sql = f"desk_bigrams({lhs_sql}) @> desk_bigrams(%s)"
        if len(self.rhs) == 2:
            # The term is one pair: holding it is containing the term. Without a LIKE
            # beside it the planner's estimate stays the index's own (with one, it
            # multiplied the two and chose nested loops over 170,000 rows: 12 s).
            return pairs_sql, (*lhs_params, self.rhs)
        like_sql, like_params = super().as_sql(compiler, connection)
        return f"({pairs_sql} AND {like_sql})", (*lhs_params, self.rhs, *like_params)


def admin_search_terms(search_term: str) -> list[str]:
    """The admin's terms, split as Django's ``get_search_results`` splits them (words,
    or phrases in quotes)."""
    terms = []
    for bit in smart_split(search_term):
        if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
            bit = unescape_string_literal(bit)
        terms.append(bit)
    return terms


def contains(path: str, term: str) -> Q:
    """``path`` contains ``term``, ignoring case, in the form its index serves."""
    return Q(_IndexedContains(F(path), term))


PREFIXES = ("^", "=", "@")


def _resolves(model, path: str) -> bool:
    """Whether ``path`` leads, through relations, to a column of data."""
    opts = model._meta
    *hops, last = path.split("__")
    for name in hops:
        try:
            field = opts.get_field(name)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:  # a lookup; a generic key
            return False
        opts = field.related_model._meta
    try:
        field = opts.get_field(opts.pk.name if last == "pk" else last)
    except FieldDoesNotExist:
        return False
    return not field.is_relation


def searchable(model, fields: Sequence[str]) -> bool:
    """Whether ``search`` can answer for these fields: each a path to a column, without
    the framework's prefixes (``^``, ``=``, ``@``), which are left to the framework."""
    return bool(fields) and all(
        not path.startswith(PREFIXES) and _resolves(model, path) for path in fields
    )


def _by_table(model, fields: Sequence[str]):
    """``fields`` by the table they lie in: the model's own columns; per key it holds, the
    paths beyond it; per key of another table pointing here, the paths beyond it. None
    when a relation cannot be followed so (a many-to-many, a key to another column)."""
    opts = model._meta
    local, forward, reverse = [], {}, {}
    for path in fields:
        first, _sep, rest = path.partition("__")
        if not rest:
            local.append(path)
            continue
        field = opts.get_field(first)
        if (
            field.concrete
            and (field.many_to_one or field.one_to_one)
            and field.target_field == field.related_model._meta.pk
        ):
            forward.setdefault(field, []).append(rest)
        elif (
            field.auto_created
            and not field.concrete
            and (field.one_to_many or field.one_to_one)
            and field.field.target_field == opts.pk
        ):
            reverse.setdefault(field, []).append(rest)
        else:
            return None
    return local, forward, reverse


def _any_of(paths: Sequence[str], term: str) -> Q:
    return reduce(or_, (contains(path, term) for path in paths))


def _matching_ids(model, fields: Sequence[str], term: str) -> QuerySet:
    """The ids of ``model`` with ``term`` in any of ``fields``: one subquery per table
    the fields lie in (following keys both ways, table by table), united."""
    split = _by_table(model, fields)
    rows = model._base_manager.order_by()
    if split is None:  # joined, as Django asks it
        return rows.filter(_any_of(fields, term)).values("pk")
    local, forward, reverse = split
    parts = []
    if local:
        parts.append(rows.filter(_any_of(local, term)).values("pk"))
    for field, paths in forward.items():
        ids = _matching_ids(field.related_model, paths, term)
        parts.append(rows.filter(**{f"{field.attname}__in": ids}).values("pk"))
    for relation, paths in reverse.items():
        related = relation.related_model._base_manager.order_by()
        if all("__" not in path for path in paths):  # its own columns: read it once
            related = related.filter(_any_of(paths, term))
        else:
            related = related.filter(pk__in=_matching_ids(relation.related_model, paths, term))
        parts.append(related.values(relation.field.attname))
    first, *others = parts
    return first.union(*others, all=True) if others else first


def search(queryset: QuerySet, terms: Iterable[str], fields: Sequence[str]) -> QuerySet:
    """The rows of ``queryset`` in which every term is found in one of ``fields`` (paths
    from its model to columns of its own or of rows related to it), when ``searchable``."""
    split = _by_table(queryset.model, fields)
    one_table = split is not None and not split[1] and not split[2]
    for term in terms:
        if one_table:  # the row's own columns: no subquery
            queryset = queryset.filter(_any_of(fields, term))
        else:
            queryset = queryset.filter(pk__in=_matching_ids(queryset.model, fields, term))
    return queryset
