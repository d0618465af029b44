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

from django.core.exceptions import FieldDoesNotExist
from django.db.models import F, Q, QuerySet
from django.db.models.lookups import IContains
from django.utils.text import smart_split, unescape_string_literal

# pg_trgm reads trigrams of letters and digits; a term without three in a row has none,
# and its index would be read whole: three times slower than reading the table.
_TRIGRAM = re.compile(r"[^\W_]{3}")
TEXT_TYPES = {"CharField", "TextField"}


class _ILikeContains(IContains):
    """``icontains`` as ``column ILIKE '%term%'`` on PostgreSQL, the form a trigram index
    on the column serves (Django writes ``UPPER(column::text) LIKE UPPER(…)``, which only
    an index on that expression would). Other columns, and other databases, are asked
    as Django asks them."""

    def as_sql(self, compiler, connection):
        own = self.lhs.output_field.get_lookup(self.lookup_name)
        if own is not IContains:  # a field with an icontains of its own (JSON)
            return compiler.compile(own(self.lhs, self.rhs))
        text = self.lhs.output_field.get_internal_type() in TEXT_TYPES
        if connection.vendor != "postgresql" or not text:
            return super().as_sql(compiler, connection)
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


def _split(model, fields: Sequence[str]):
    """``fields`` by the table each lies in: the model's own columns; per relation it
    holds (a foreign key), the paths beyond it; per relation held by other rows (a
    foreign key or one-to-one pointing here), the paths beyond it. None when a field
    cannot be searched so: a prefixed field (``^``, ``=``, ``@``) or a many-to-many."""
    opts = model._meta
    local, forward, reverse = [], {}, {}
    for path in fields:
        if path[:1] in {"^", "=", "@"}:
            return None
        first, _sep, rest = path.partition("__")
        try:
            field = opts.get_field(opts.pk.name if first == "pk" else first)
        except FieldDoesNotExist:
            return None
        if not field.is_relation:
            if rest:  # a lookup of Django's ("title__exact"): left to Django
                return None
            local.append(path)
        elif not rest or field.many_to_many:
            return None  # a relation's key, or a many-to-many
        elif field.concrete and (field.many_to_one or field.one_to_one):
            forward.setdefault(field, []).append(rest)
        elif (
            field.auto_created
            and (field.one_to_many or field.one_to_one)
            and field.field.target_field == opts.pk
        ):  # another table's rows name ours
            reverse.setdefault(field, []).append(rest)
        else:  # a generic relation, a key to another column than ours
            return None
    return local, forward, reverse


def searchable(model, fields: Sequence[str]) -> bool:
    """Whether ``search`` can answer for these fields (else use the framework's own)."""
    return bool(fields) and _split(model, fields) is not None


def _matching_ids(queryset: QuerySet, fields: Sequence[str], term: str) -> QuerySet:
    """The ids of ``queryset.model`` with ``term`` in any of ``fields``: one subquery per
    table the fields lie in, united."""
    model = queryset.model
    local, forward, reverse = _split(model, fields)

    def any_of(paths):
        return reduce(or_, (contains(p, term) for p in paths))

    parts = []
    if local:
        parts.append(model._base_manager.filter(any_of(local)).order_by().values("pk"))
    for field, paths in forward.items():
        related = field.related_model._base_manager.filter(any_of(paths)).order_by()
        parts.append(
            model._base_manager.filter(
                **{f"{field.name}__in": related.values(field.target_field.attname)}
            )
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
    points to it), when ``searchable``."""
    for term in terms:
        queryset = queryset.filter(pk__in=_matching_ids(queryset, fields, term))
    return queryset
