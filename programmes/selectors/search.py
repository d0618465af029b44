"""Text search over a large table, answered from indexes rather than one wide join.

The admin's and DRF's search both write ``a LIKE '%t%' OR b LIKE '%t%' …`` over the
row and its joined tables: at a million applications PostgreSQL joins four tables of a
million rows to test the condition (2–11 s a page). Here each search field becomes a
subquery of its own table, and a term matches the ids of their union:

    id IN (SELECT id FROM application WHERE title …
           UNION ALL SELECT id FROM application WHERE enterprise_id IN (SELECT id FROM enterprise …)
           UNION ALL SELECT application_id FROM product_detail WHERE product_name …)

Each subquery reads one table, through its trigram index on PostgreSQL (migration
``0008_search_trigram_indexes``). The rows are those of the stock search: a term is
found in any of the fields (case-insensitively), every term must be found.
"""

import re
from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import IContains
from django.utils.text import smart_split, unescape_string_literal

# pg_trgm reads trigrams of letters and digits; a term without three in a row has none,
# and its index would be read whole: three times slower than reading the table.
_TRIGRAM = re.compile(r"[^\W_]{3}")


class _ILikeContains(IContains):
    """``icontains`` as ``column ILIKE '%term%'`` on PostgreSQL, the form a trigram index
    on the column serves (Django writes ``UPPER(column::text) LIKE UPPER(…)``, which only
    an index on that expression would). Elsewhere, ``icontains`` as it is."""

    def as_postgresql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs_sql} ILIKE {rhs_sql}", (*lhs_params, *rhs_params)


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
    """``path`` contains ``term``, ignoring case: in the form its trigram index serves, or,
    for a term too short to have a trigram, in the form no index claims (the planner then
    reads the table, in parallel, rather than the whole index)."""
    if _TRIGRAM.search(term):
        return Q(_ILikeContains(F(path), term))
    return Q(**{f"{path}__icontains": term})


def _matching_ids(queryset: QuerySet, fields: Sequence[str], term: str) -> QuerySet:
    """The ids of ``queryset.model`` with ``term`` in any of ``fields``: one subquery per
    table the fields lie in, united."""
    model = queryset.model
    opts = model._meta
    local, forward, reverse = [], {}, {}
    for path in fields:
        first, _sep, rest = path.partition("__")
        field = opts.get_field(first)
        if not rest:
            local.append(path)
        elif field.many_to_one or (field.one_to_one and field.concrete):
            forward.setdefault(field, []).append(rest)
        elif field.one_to_one:  # a reverse one-to-one: the related row names ours
            reverse.setdefault(field, []).append(rest)
        else:
            raise ValueError(f"Cannot search {path!r}: a many-valued relation.")

    def any_of(paths):
        return reduce(or_, (contains(p, term) for p in paths))

    parts = []
    if local:
        parts.append(model._base_manager.filter(any_of(local)).order_by().values("pk"))
    for field, paths in forward.items():
        related = field.related_model._base_manager.filter(any_of(paths)).order_by()
        parts.append(
            model._base_manager.filter(**{f"{field.name}__in": related.values("pk")})
            .order_by()
            .values("pk")
        )
    for relation, paths in reverse.items():
        related = relation.related_model._base_manager.filter(any_of(paths)).order_by()
        parts.append(related.values(relation.field.attname))
    first, *others = parts
    return first.union(*others, all=True) if others else first


def search(queryset: QuerySet, terms: Iterable[str], fields: Sequence[str]) -> QuerySet:
    """The rows of ``queryset`` in which every term is found in one of ``fields`` (paths
    from its model: its own columns, a column of a row it points to, or of a row that
    points to it one-to-one)."""
    for term in terms:
        queryset = queryset.filter(pk__in=_matching_ids(queryset, fields, term))
    return queryset
