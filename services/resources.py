"""Service cases and events as spreadsheets, headed in Chinese or English.

``ServiceCaseResource`` reads a list of visits, inspections and diagnoses: one row per
case, its enterprise found by credit code (else by exact legal name) among the
enterprises already registered; a case is never the way an enterprise enters the
records. A row naming the same enterprise, kind, day and department as a case on record
updates that case, so importing a sheet again adds nothing.

``EventResource`` reads release conferences and industry-chain docking sessions: one row
per enterprise presented (its products in the same row), the event's own columns
repeated on each of its rows, or one row for an event without presentations. Rows with
the same title and date are one event, matched to the one on record.

Both are all or nothing (``core.sheets.imports``). See ``docs/services.md``.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets.layout import (
    NEW,
    UNCHANGED,
    UPDATE,
    SheetField,
    clean_code,
    match_key,
    name_variants,
)
from core.sheets.resource import SheetResource
from enterprises.lookups import (
    AMBIGUOUS,
    CREDIT_CODE_ALIASES,
    NAME_ALIASES,
    REGION_ALIASES,
    RegionIndex,
)
from enterprises.models import Enterprise
from enterprises.validators import parse_credit_code
from programmes.models import Programme

from . import access
from .models import Event, EventPresentation, Plan, ServiceCase

#: Chinese names the sheets use for each choice, besides its value and its labels; the
#: first is what exports write.
CHOICE_ALIASES = {
    ServiceCase.Kind.VISIT: ("走访", "上门走访", "调研"),
    ServiceCase.Kind.INSPECTION: ("检查", "督查", "检查指导"),
    ServiceCase.Kind.DIAGNOSIS: ("诊断", "智能化诊断", "诊断服务"),
    Event.Kind.RELEASE_CONFERENCE: ("新产品新技术发布会", "发布会", "新品发布会"),
    Event.Kind.CHAIN_DOCKING: ("产业链对接", "产业链对接会", "对接会"),
}


def choice_index(choices) -> dict:
    """A choice's value by its value, its English and Chinese labels and its aliases."""
    index = {}
    for value, label in choices.choices:
        keys = {value, str(label), *CHOICE_ALIASES.get(value, ())}
        with translation.override("zh-hans"):
            keys.add(str(label))
        for key in keys:
            index.setdefault(match_key(key), value)
    return index


def choice_label(value) -> str:
    aliases = CHOICE_ALIASES.get(value)
    return aliases[0] if aliases else (value or "")


def _max(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


def _index(pairs) -> dict:
    """Keys to ids; a key two records share maps to ``AMBIGUOUS``."""
    index = {}
    for key, pk in pairs:
        if key:
            index[key] = AMBIGUOUS if index.get(key, pk) != pk else pk
    return index


class _EnterpriseColumns:
    """The enterprise of a row: by credit code, else by exact legal name (full- and
    half-width brackets alike), among the enterprises on record."""

    def _begin_enterprises(self, context) -> None:
        context.cache.setdefault("enterprise_ids", {})

    def _check_enterprise(self, row, layout, *, required: bool) -> None:
        values = row.values
        code = values.get("unified_social_credit_code") or ""
        name = values.get("enterprise_name") or ""
        if code:
            try:
                values["unified_social_credit_code"] = parse_credit_code(code)
            except ValidationError as error:
                row.add_problem(layout, "unified_social_credit_code", error.messages[0])
        elif (
            required
            and not name
            and not row.failed("unified_social_credit_code")
            and not row.failed("enterprise_name")
        ):
            row.add_problem(
                layout,
                "unified_social_credit_code",
                _("name the enterprise by its credit code or its legal name."),
            )

    def _resolve_enterprises(self, rows, layout) -> None:
        """Set ``enterprise_id`` on each row that names one; a problem where none is
        registered under that code or name."""
        candidates = [row for row in rows if not row.problems]
        codes = {
            row.values["unified_social_credit_code"]
            for row in candidates
            if row.values.get("unified_social_credit_code")
        }
        names = set()
        for row in candidates:
            if not row.values.get("unified_social_credit_code") and row.values.get(
                "enterprise_name"
            ):
                names |= name_variants(row.values["enterprise_name"])
        by_code = dict(
            Enterprise.objects.filter(unified_social_credit_code__in=codes).values_list(
                "unified_social_credit_code", "pk"
            )
        )
        by_name = _index(Enterprise.objects.filter(name__in=names).values_list("name", "pk"))
        for row in candidates:
            code = row.values.get("unified_social_credit_code")
            name = row.values.get("enterprise_name")
            if code:
                pk = by_code.get(code)
                if pk is None:
                    row.add_problem(
                        layout,
                        "unified_social_credit_code",
                        _(
                            "no enterprise is registered with credit code %(code)s; import "
                            "or add the enterprise first."
                        )
                        % {"code": code},
                    )
                    continue
            elif name:
                found = {by_name[v] for v in name_variants(name) if v in by_name}
                if AMBIGUOUS in found or len(found) > 1:
                    row.add_problem(
                        layout,
                        "enterprise_name",
                        _("several enterprises are called “%(name)s”: give the credit code.")
                        % {"name": name},
                    )
                    continue
                if not found:
                    row.add_problem(
                        layout,
                        "enterprise_name",
                        _(
                            "no enterprise is registered as “%(name)s”; give its credit code, "
                            "or import or add the enterprise first."
                        )
                        % {"name": name},
                    )
                    continue
                (pk,) = found
            else:
                pk = None
            row.values["enterprise_id"] = pk


def _choice(row, layout, field: str, index: dict) -> None:
    text = row.values.get(field)
    if not text:
        return
    value = index.get(match_key(text))
    if value is None:
        labels = "、".join(dict.fromkeys(choice_label(v) for v in index.values()))
        row.add_problem(
            layout,
            field,
            _("unknown value “%(value)s”; write one of %(choices)s.")
            % {"value": text, "choices": labels},
        )
    row.values[field] = value


def _required(row, layout, fields) -> None:
    for field in fields:
        if row.values.get(field) in (None, "") and not row.failed(field):
            row.add_problem(layout, field, _("this cell is empty; the column is required."))


def _model_problems(row, layout, instance, fields: dict[str, str], exclude) -> None:
    """``full_clean`` on the row's record; each refusal named at the column it comes from
    (``fields``: model field → column)."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            column = fields.get(field)
            for message in messages:
                row.add_problem(layout, column, message if column else f"{field}: {message}")


class ServiceCaseResource(_EnterpriseColumns, SheetResource):
    """Visits, inspections and diagnoses at registered enterprises."""

    can_import = staticmethod(access.can_import)

    kind = SheetField(
        "kind",
        "服务类型",
        kind="lookup",
        required=True,
        aliases=("类型", "走访类型", "服务方式", "方式"),
        help_text=gettext_lazy("走访 (visit), 检查 (inspection) or 诊断 (diagnosis)."),
    )
    unified_social_credit_code = SheetField(
        "unified_social_credit_code",
        "统一社会信用代码",
        kind="code",
        aliases=CREDIT_CODE_ALIASES,
        help_text=gettext_lazy(
            "The enterprise, registered already; the legal name is used when it is blank."
        ),
    )
    enterprise_name = SheetField(
        "enterprise_name",
        "企业名称",
        max_length=_max(Enterprise, "name"),
        aliases=NAME_ALIASES,
        help_text=gettext_lazy("The legal name; matched exactly when there is no credit code."),
    )
    held_on = SheetField(
        "held_on",
        "服务日期",
        kind="date",
        required=True,
        aliases=("日期", "走访日期", "检查日期", "诊断日期", "服务时间", "走访时间", "时间"),
    )
    place = SheetField(
        "place",
        "地点",
        max_length=_max(ServiceCase, "place"),
        aliases=("服务地点", "走访地点"),
    )
    department = SheetField(
        "department",
        "服务部门",
        required=True,
        max_length=_max(ServiceCase, "department"),
        aliases=("部门", "责任部门", "牵头部门", "走访部门", "科室"),
    )
    conducted_by = SheetField(
        "conducted_by",
        "服务人员",
        required=True,
        max_length=_max(ServiceCase, "conducted_by"),
        aliases=("走访人员", "参加人员", "人员", "服务人"),
    )
    programme = SheetField(
        "programme",
        "服务项目",
        kind="lookup",
        aliases=("所属项目", "项目代码", "programme_code"),
        help_text=gettext_lazy("A programme's code or its exact name."),
    )
    plan = SheetField(
        "plan",
        "服务计划",
        kind="lookup",
        aliases=("所属计划", "计划", "计划代码", "plan_code"),
        help_text=gettext_lazy("A plan's code or its exact title."),
    )
    summary = SheetField(
        "summary", "情况摘要", aliases=("服务内容", "走访情况", "主要内容", "内容", "备注")
    )
    source = SheetField(
        "source", "来源", max_length=_max(ServiceCase, "source"), aliases=("信息来源",)
    )

    class Meta:
        model = ServiceCase
        name = gettext_lazy("Service cases")
        fields = (
            "kind",
            "unified_social_credit_code",
            "enterprise_name",
            "held_on",
            "place",
            "department",
            "conducted_by",
            "programme",
            "plan",
            "summary",
            "source",
        )

    #: What the sheet sets on a case; a row equal to the case on record changes nothing.
    WRITTEN = (
        "place",
        "conducted_by",
        "programme_id",
        "plan_id",
        "summary",
        "source",
    )

    # --- Export -----------------------------------------------------------------

    def get_queryset(self):
        rows = (
            access.case_list(user=self.user) if self.user is not None else ServiceCase.objects.all()
        )
        return rows.select_related("enterprise", "programme", "plan").order_by("held_on", "pk")

    def dehydrate_kind(self, case):
        return choice_label(case.kind)

    def dehydrate_unified_social_credit_code(self, case):
        return case.enterprise.unified_social_credit_code or ""

    def dehydrate_enterprise_name(self, case):
        return case.enterprise.name

    def dehydrate_programme(self, case):
        return case.programme.code if case.programme_id else ""

    def dehydrate_plan(self, case):
        return case.plan.code if case.plan_id else ""

    # --- Import -----------------------------------------------------------------

    def begin_import(self, context):
        self._begin_enterprises(context)
        programmes = []
        # By code, or by its name in either language, whatever the importer reads.
        names = Programme.objects.values_list("pk", "code", "name_zh_hans", "name_en")
        for pk, code, *texts in names:
            programmes += [(clean_code(code), pk)]
            programmes += [(match_key(text), pk) for text in texts if text]
        plans = []
        for pk, code, title in Plan.objects.values_list("pk", "code", "title"):
            plans += [(clean_code(code), pk), (match_key(title), pk)]
        context.cache.update(
            kinds=choice_index(ServiceCase.Kind),
            programmes=_index(programmes),
            plans=_index(plans),
            seen={},
        )

    def check_row(self, row, layout, context):
        cache = context.cache
        _required(row, layout, ("kind", "held_on", "department", "conducted_by"))
        _choice(row, layout, "kind", cache["kinds"])
        self._check_enterprise(row, layout, required=True)
        for field, message in (
            ("programme", _("no programme has the code or name “%(value)s”.")),
            ("plan", _("no plan has the code or title “%(value)s”.")),
        ):
            text = row.values.pop(field, None)
            row.values[f"{field}_id"] = None
            if not text:
                continue
            index = cache[f"{field}s"]
            pk = index.get(clean_code(text), index.get(match_key(text)))
            if pk is AMBIGUOUS:
                row.add_problem(
                    layout, field, _("“%(value)s” names several: give the code.") % {"value": text}
                )
            elif pk is None:
                row.add_problem(layout, field, message % {"value": text})
            else:
                row.values[f"{field}_id"] = pk
        values = row.values
        row.label = " ".join(
            str(part)
            for part in (values.get("held_on") or "", values.get("enterprise_name") or "")
            if part
        )

    def resolve_batch(self, rows, layout, context):
        self._resolve_enterprises(rows, layout)
        candidates = [row for row in rows if not row.problems]
        seen = context.cache["seen"]
        for row in candidates:
            key = self._key(row.values)
            first = seen.setdefault(key, row.number)
            if first != row.number:
                row.add_problem(
                    layout,
                    "held_on",
                    _(
                        "duplicate within the file: row %(row)s has the same enterprise, kind, "
                        "date and department."
                    )
                    % {"row": first},
                )
        candidates = [row for row in candidates if not row.problems]
        enterprise_ids = {row.values["enterprise_id"] for row in candidates}
        days = {row.values["held_on"] for row in candidates}
        on_record = {}
        for case in ServiceCase.objects.filter(enterprise_id__in=enterprise_ids, held_on__in=days):
            key = (case.enterprise_id, case.kind, case.held_on, case.department.strip())
            # Two cases on record answering one row: which to update is not the sheet's call.
            on_record[key] = AMBIGUOUS if key in on_record else case
        for row in candidates:
            values = row.values
            existing = on_record.get(self._key(values))
            if existing is AMBIGUOUS:
                row.add_problem(
                    layout,
                    "held_on",
                    _(
                        "two cases on record have this enterprise, kind, date and department: "
                        "correct them in admin first."
                    ),
                )
                continue
            if existing is None:
                case = ServiceCase(
                    kind=values["kind"],
                    enterprise_id=values["enterprise_id"],
                    held_on=values["held_on"],
                    department=values["department"],
                    **{field: values.get(field) or self._blank(field) for field in self.WRITTEN},
                )
                row.action = NEW
            else:
                case = existing
                changed = set()
                for field in self.WRITTEN:
                    value = values.get(field)
                    if value in (None, ""):
                        continue  # an empty cell never erases what is on record
                    if getattr(case, field) != value:
                        setattr(case, field, value)
                        changed.add(field)
                row.action = UPDATE if changed else UNCHANGED
                row.extra["changed"] = changed
            _model_problems(
                row,
                layout,
                case,
                {
                    "kind": "kind",
                    "held_on": "held_on",
                    "place": "place",
                    "department": "department",
                    "conducted_by": "conducted_by",
                    "summary": "summary",
                    "source": "source",
                },
                exclude=["enterprise", "programme", "plan", "officer", "event"],
            )
            row.target = case

    @staticmethod
    def _blank(field: str):
        return None if field.endswith("_id") else ""

    @staticmethod
    def _key(values) -> tuple:
        return (
            values["enterprise_id"],
            values["kind"],
            values["held_on"],
            (values.get("department") or "").strip(),
        )

    def write_batch(self, rows, layout, context):
        from .services import service_cases_write

        updated = [row for row in rows if row.action == UPDATE]
        service_cases_write(
            new=[row.target for row in rows if row.action == NEW],
            updated=[row.target for row in updated],
            fields=set().union(*(row.extra["changed"] for row in updated)),
        )


@dataclass
class EventRow:
    """One row of the events sheet: an event and one of its presentations (or none)."""

    event: Event
    presentation: EventPresentation | None


class EventResource(_EnterpriseColumns, SheetResource):
    """Release conferences and industry-chain docking sessions, one row per enterprise
    presented."""

    can_import = staticmethod(access.can_import)

    kind = SheetField(
        "kind",
        "活动类型",
        kind="lookup",
        required=True,
        aliases=("类型", "活动类别"),
        help_text=gettext_lazy(
            "新产品新技术发布会 (release conference) or 产业链对接 (industry-chain docking)."
        ),
    )
    title = SheetField(
        "title",
        "活动名称",
        required=True,
        max_length=_max(Event, "title"),
        aliases=("名称", "会议名称", "发布会名称"),
    )
    held_on = SheetField(
        "held_on",
        "举办日期",
        kind="date",
        required=True,
        aliases=("日期", "时间", "举办时间", "活动日期"),
    )
    place = SheetField(
        "place", "举办地点", max_length=_max(Event, "place"), aliases=("地点", "活动地点")
    )
    organiser = SheetField(
        "organiser",
        "主办单位",
        max_length=_max(Event, "organiser"),
        aliases=("主办方", "组织单位", "承办单位"),
    )
    region = SheetField(
        "region",
        "所在地区",
        kind="lookup",
        required=True,
        aliases=REGION_ALIASES,
        help_text=gettext_lazy("A Zhejiang region's name or GB/T 2260 code."),
    )
    deals_signed = SheetField(
        "deals_signed",
        "签约项目数",
        kind="int",
        aliases=("签约数", "签约项目", "现场签约数"),
    )
    follow_up = SheetField("follow_up", "后续跟进", aliases=("跟进情况", "跟踪服务"))
    unified_social_credit_code = SheetField(
        "unified_social_credit_code",
        "统一社会信用代码",
        kind="code",
        aliases=CREDIT_CODE_ALIASES,
        help_text=gettext_lazy("The enterprise presented, registered already."),
    )
    enterprise_name = SheetField(
        "enterprise_name",
        "企业名称",
        max_length=_max(Enterprise, "name"),
        aliases=(*NAME_ALIASES, "发布企业", "参会企业"),
        help_text=gettext_lazy("The enterprise presented; blank for a row of the event alone."),
    )
    products = SheetField(
        "products",
        "发布产品和技术",
        aliases=("发布产品", "产品名称", "产品和技术", "新产品新技术"),
    )
    source = SheetField("source", "来源", max_length=_max(Event, "source"), aliases=("信息来源",))

    class Meta:
        model = Event
        name = gettext_lazy("Events")
        fields = (
            "kind",
            "title",
            "held_on",
            "place",
            "organiser",
            "region",
            "deals_signed",
            "follow_up",
            "unified_social_credit_code",
            "enterprise_name",
            "products",
            "source",
        )

    #: The event's columns a sheet sets (besides its kind, title, date and region).
    EVENT_FIELDS = ("place", "organiser", "deals_signed", "follow_up", "source")

    # --- Export -----------------------------------------------------------------

    def get_queryset(self):
        rows = access.event_list(user=self.user) if self.user is not None else Event.objects.all()
        return rows.select_related("region").order_by("held_on", "pk")

    def iter_queryset(self, queryset):
        """Each event once per enterprise presented, or once if none was."""
        events = queryset.prefetch_related("presentations__enterprise")
        for event in super().iter_queryset(events):
            presentations = sorted(event.presentations.all(), key=lambda p: p.pk)
            for presentation in presentations or [None]:
                yield EventRow(event, presentation)

    def dehydrate_kind(self, row):
        return choice_label(row.event.kind)

    def dehydrate_title(self, row):
        return row.event.title

    def dehydrate_held_on(self, row):
        return row.event.held_on

    def dehydrate_place(self, row):
        return row.event.place

    def dehydrate_organiser(self, row):
        return row.event.organiser

    def dehydrate_region(self, row):
        return row.event.region.code

    def dehydrate_deals_signed(self, row):
        return row.event.deals_signed

    def dehydrate_follow_up(self, row):
        return row.event.follow_up

    def dehydrate_source(self, row):
        return row.event.source

    def dehydrate_unified_social_credit_code(self, row):
        if row.presentation is None:
            return ""
        return row.presentation.enterprise.unified_social_credit_code or ""

    def dehydrate_enterprise_name(self, row):
        return row.presentation.enterprise.name if row.presentation else ""

    def dehydrate_products(self, row):
        return row.presentation.products if row.presentation else ""

    # --- Import -----------------------------------------------------------------

    def begin_import(self, context):
        self._begin_enterprises(context)
        context.cache.update(
            kinds=choice_index(Event.Kind),
            regions=RegionIndex.load(),
            # (title, date) → the event the sheet writes, and the row that first named it.
            events={},
            presented={},
        )

    def check_row(self, row, layout, context):
        values, cache = row.values, context.cache
        _required(row, layout, ("kind", "title", "held_on", "region"))
        _choice(row, layout, "kind", cache["kinds"])
        text = values.pop("region", None)
        if text:
            try:
                values["region_id"] = cache["regions"].resolve(text)
            except ValidationError as error:
                row.add_problem(layout, "region", error.messages[0])
        self._check_enterprise(row, layout, required=False)
        if values.get("products") and not (
            values.get("unified_social_credit_code") or values.get("enterprise_name")
        ):
            row.add_problem(
                layout,
                "products",
                _("name the enterprise that presented these products."),
            )
        row.label = " ".join(
            str(part) for part in (values.get("held_on") or "", values.get("title") or "") if part
        )

    def resolve_batch(self, rows, layout, context):
        self._resolve_enterprises(rows, layout)
        cache = context.cache
        candidates = [row for row in rows if not row.problems]
        keys = {self._key(row.values) for row in candidates} - set(cache["events"])
        if keys:
            # By day, then by title as the sheet compares them (case, blanks and widths aside).
            for event in Event.objects.filter(held_on__in={day for _title, day in keys}):
                key = (match_key(event.title), event.held_on)
                if key in keys:
                    # Two events on record answering one title and day: neither is guessed.
                    found = cache["events"].get(key)
                    cache["events"][key] = (
                        AMBIGUOUS
                        if found is not None
                        else {"event": event, "given": {}, "changed": set()}
                    )
        cache["presentations"] = {
            (p.event_id, p.enterprise_id): p
            for p in EventPresentation.objects.filter(
                event__in=[
                    e["event"]
                    for e in cache["events"].values()
                    if e is not AMBIGUOUS and e["event"].pk
                ],
                enterprise_id__in={row.values.get("enterprise_id") for row in candidates},
            )
        }
        for row in candidates:
            self._resolve_row(row, layout, cache)

    @staticmethod
    def _key(values) -> tuple:
        return (match_key(values["title"]), values["held_on"])

    def _resolve_row(self, row, layout, cache) -> None:
        values = row.values
        key = self._key(values)
        entry = cache["events"].get(key)
        if entry is AMBIGUOUS:
            row.add_problem(
                layout,
                "title",
                _("two events on record have this title and date: correct them in admin first."),
            )
            return
        action = UNCHANGED
        fields = ("kind", "region_id", *self.EVENT_FIELDS)
        if entry is None:
            event = Event(
                kind=values["kind"],
                title=values["title"],
                held_on=values["held_on"],
                region_id=values["region_id"],
                deals_signed=values.get("deals_signed"),
                place=values.get("place") or "",
                organiser=values.get("organiser") or "",
                follow_up=values.get("follow_up") or "",
                source=values.get("source") or "",
            )
            given = {f: row.number for f in fields if values.get(f) not in (None, "")}
            entry = {"event": event, "given": given, "changed": set()}
            cache["events"][key] = entry
            action = NEW
            _model_problems(
                row,
                layout,
                event,
                {f: f for f in ("kind", "title", "held_on", *self.EVENT_FIELDS)},
                exclude=["region"],
            )
        else:
            event = entry["event"]
            for field in fields:
                value = values.get(field)
                if value in (None, ""):
                    continue
                if getattr(event, field) == value:
                    entry["given"].setdefault(field, row.number)
                    continue
                given_by = entry["given"].get(field)
                if given_by is not None:
                    row.add_problem(
                        layout,
                        field.removesuffix("_id"),
                        _(
                            "row %(row)s gives this event (the same title and date) another "
                            "value here."
                        )
                        % {"row": given_by},
                    )
                    continue
                entry["given"][field] = row.number
                setattr(event, field, value)
                entry["changed"].add(field)
                action = UPDATE if event.pk is not None else action
        row.extra["event"] = entry
        enterprise_id = values.get("enterprise_id")
        if enterprise_id is not None:
            first = cache["presented"].setdefault((key, enterprise_id), row.number)
            if first != row.number:
                row.add_problem(
                    layout,
                    "enterprise_name",
                    _("duplicate within the file: row %(row)s has this enterprise at this event.")
                    % {"row": first},
                )
                return
            products = values.get("products") or ""
            on_record = cache["presentations"].get((event.pk, enterprise_id))
            if on_record is None or (products and on_record.products != products):
                row.extra["presentation"] = (enterprise_id, products)
                if action == UNCHANGED:
                    action = UPDATE if on_record is not None or event.pk else NEW
        row.action = action

    def write_batch(self, rows, layout, context):
        from .services import events_write

        entries, presentations = {}, []
        for row in rows:
            entry = row.extra["event"]
            entries[id(entry)] = entry
            if "presentation" in row.extra:
                presentations.append((entry["event"], *row.extra["presentation"]))
        events_write(
            events=[(entry["event"], entry["changed"]) for entry in entries.values()],
            presentations=presentations,
        )
        for entry in entries.values():
            entry["changed"] = set()
