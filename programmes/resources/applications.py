"""Published results lists and applications by kind, as spreadsheets.

``ResultListResource`` reads a list as bureaus publish it: call, enterprise
name, credit code, product / project / platform name, level or tier, amount.
Enterprises are matched by credit code, else by exact legal name (full- and
half-width brackets count as the same), and created when new. Each row becomes
a granted application marked ``source=import`` whose source note names the
file; importing the same list again updates those applications instead of
adding new ones. The three kind resources (``.kinds``) read and write the same
columns plus the typed details of their kind.
"""

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
from enterprises.access import can_import
from enterprises.lookups import (
    AMBIGUOUS,
    CREDIT_CODE_ALIASES,
    NAME_ALIASES,
    REGION_ALIASES,
    RegionIndex,
)
from enterprises.models import Enterprise
from enterprises.validators import validate_credit_code

from ..models import (
    Application,
    Call,
    Kind,
    Level,
    ProductTier,
    ProjectCategory,
    RewardRule,
)
from ..workflow import HOLDING, TIER_FIELDS

#: Chinese names the lists use for each choice, besides its value and labels. Levels
#: share their values (national, provincial, municipal) with the product tiers.
CHOICE_ALIASES = {
    ProductTier.INTERNATIONAL_FIRST: ("国际首批次",),
    ProductTier.DOMESTIC_FIRST: ("国内首批次",),
    ProductTier.PROVINCIAL_FIRST: ("省内首批次", "省首批次"),
    ProductTier.NATIONAL: ("国家级",),
    ProductTier.PROVINCIAL: ("省级",),
    ProductTier.MUNICIPAL: ("市级",),
    Level.COUNTY: ("县级", "区级", "县（市、区）级"),
    ProjectCategory.DIGITAL_UPGRADING: ("数字化改造", "数字化转型"),
    ProjectCategory.PRODUCT_RD: ("产品研发", "新产品研发"),
    ProjectCategory.QUALITY_UPGRADING: ("品质提升", "质量提升"),
    ProjectCategory.BRAND_PROMOTION: ("品牌推广", "品牌建设"),
    ProjectCategory.OTHER: ("其他",),
}
#: The tier column means the product tier for products and the level for designations.
TIER_CHOICES = {Kind.PRODUCT: ProductTier, Kind.DESIGNATION: Level, Kind.PROJECT: None}
SUBJECT_FIELD = {
    Kind.PRODUCT: "product_name",
    Kind.PROJECT: "project_name",
    Kind.DESIGNATION: "platform_name",
}


def choice_index(choices) -> dict:
    """A choice's value by its value, English label, Chinese label and aliases."""
    index = {}
    for value, label in choices.choices:
        keys = {value, str(label), *CHOICE_ALIASES.get(value, ())}
        with translation.override("zh-hans"):
            keys.add(str(label))
        for key in keys:
            index.setdefault(match_key(key), value)
    return index


def choice_label(value) -> str:
    """How a choice is written in exports: its first Chinese alias, else its value."""
    aliases = CHOICE_ALIASES.get(value)
    return aliases[0] if aliases else (value or "")


class ResultListResource(SheetResource):
    """A published results list: every row a granted application, all kinds of call."""

    kind = None
    can_import = staticmethod(can_import)

    call = SheetField(
        "call",
        "批次",
        kind="lookup",
        required=True,
        aliases=("项目批次", "申报批次", "批次代码", "call_code"),
        help_text=gettext_lazy("The call's code (first-batch-2023) or its exact title."),
    )
    enterprise_name = SheetField(
        "enterprise_name",
        "企业名称",
        required=True,
        max_length=Enterprise._meta.get_field("name").max_length,
        aliases=NAME_ALIASES,
        help_text=gettext_lazy("The legal name; matched exactly when there is no credit code."),
    )
    unified_social_credit_code = SheetField(
        "unified_social_credit_code",
        "统一社会信用代码",
        kind="code",
        aliases=CREDIT_CODE_ALIASES,
        help_text=gettext_lazy("Matched first; optional when the list does not print it."),
    )
    region = SheetField(
        "region",
        "所在地区",
        kind="lookup",
        aliases=REGION_ALIASES,
        help_text=gettext_lazy("Used for enterprises the list introduces."),
    )
    subject = SheetField(
        "subject",
        "产品/项目/平台名称",
        max_length=255,
        aliases=(
            "产品名称",
            "项目名称",
            "平台名称",
            "产品（技术）名称",
            "新材料名称",
            "研究院名称",
            "技术中心名称",
            "名称",
        ),
        help_text=gettext_lazy("Also the application's title; blank means the programme's name."),
    )
    tier = SheetField(
        "tier",
        "级别或档次",
        kind="lookup",
        aliases=("级别", "档次", "层级", "等级", "认定级别", "认定类别", "类别级别"),
        help_text=gettext_lazy(
            "A reward rule of the programme (its tier or label), a product tier "
            "(国际首批次, 国内首批次, 省内首批次) or a level (国家级, 省级, 市级)."
        ),
    )
    amount = SheetField(
        "amount",
        "金额（元）",
        kind="decimal",
        aliases=(
            "金额",
            "奖励金额",
            "补助金额",
            "资助金额",
            "奖补金额",
            "奖励金额（元）",
            "补助金额（元）",
        ),
        help_text=gettext_lazy("In yuan; blank takes the amount of the reward rule."),
    )
    amount_wan = SheetField(
        "amount_wan",
        "金额（万元）",
        kind="wan",
        primary=False,
        aliases=(
            "奖励金额（万元）",
            "补助金额（万元）",
            "资助金额（万元）",
            "补助资金（万元）",
            "奖补金额（万元）",
        ),
        help_text=gettext_lazy("The same amount in units of 10,000 yuan, as many lists print it."),
    )
    status = SheetField("status", "状态", readonly=True)

    class Meta:
        model = Application
        name = gettext_lazy("Published results list")
        fields = (
            "call",
            "enterprise_name",
            "unified_social_credit_code",
            "region",
            "subject",
            "tier",
            "amount",
            "amount_wan",
            "status",
        )

    # --- Export -----------------------------------------------------------------

    def get_queryset(self):
        if self.user is not None:
            from ..access import application_list

            queryset = application_list(user=self.user)
        else:
            queryset = Application.objects.all()
        if self.kind is None:
            queryset = queryset.filter(status__in=HOLDING)
        else:
            queryset = queryset.filter(kind=self.kind)
        return queryset.select_related(
            "call",
            "call__programme",
            "enterprise",
            "region",
            "product_detail",
            "project_detail",
            "designation_detail",
        ).order_by("call__code", "enterprise__name", "title")

    def dehydrate_call(self, application):
        return application.call.code

    def dehydrate_enterprise_name(self, application):
        return application.enterprise.name

    def dehydrate_unified_social_credit_code(self, application):
        return application.enterprise.unified_social_credit_code or ""

    def dehydrate_region(self, application):
        return application.region.name if application.region_id else ""

    def dehydrate_subject(self, application):
        return application.headline

    def dehydrate_tier(self, application):
        detail = application.detail
        field_name = TIER_FIELDS.get(application.kind)
        return choice_label(getattr(detail, field_name, "")) if detail and field_name else ""

    def dehydrate_amount(self, application):
        return application.awarded_amount

    def dehydrate_status(self, application):
        return str(application.get_status_display())

    # --- Import -----------------------------------------------------------------

    def begin_import(self, context):
        calls = {}
        pairs = []
        for call in Call.objects.select_related("programme"):
            calls[call.pk] = call
            pairs.append((clean_code(call.code), call.pk))
            # A call is found by its title in either language.
            titles = (call.title_zh_hans, call.title_en)
            pairs += [(match_key(title), call.pk) for title in titles if title]
        index = {}
        for key, pk in pairs:
            index[key] = AMBIGUOUS if index.get(key, pk) != pk else pk
        rules = {}
        for rule in RewardRule.objects.all():
            by_programme = rules.setdefault(rule.programme_id, {})
            by_programme.setdefault(match_key(rule.tier), rule)
            for label in (rule.label_zh_hans, rule.label_en):
                if label:
                    by_programme.setdefault(match_key(label), rule)
        context.cache.update(
            calls=calls,
            call_index=index,
            rules=rules,
            regions=RegionIndex.load(),
            choices={kind: choice_index(c) for kind, c in TIER_CHOICES.items() if c},
            categories=choice_index(ProjectCategory),
            seen_rows={},
            seen_codes={},
            seen_names={},
            planned={},
            source=_("Published results list %(file)s")
            % {"file": context.file_name or context.via},
        )

    def check_row(self, row, layout, context):
        values, cache = row.values, context.cache
        call = self._check_call(row, layout, cache)
        name = values.get("enterprise_name") or ""
        code = values.get("unified_social_credit_code") or ""
        if not name:
            row.add_problem(layout, "enterprise_name", _("the enterprise name is missing."))
        if code:
            try:
                validate_credit_code(code)
            except ValidationError as error:
                row.add_problem(layout, "unified_social_credit_code", error.messages[0])
                code = ""
        if name and code:
            self._check_consistent(row, layout, cache, name, code)
        region_text = values.pop("region", None)
        if region_text:
            try:
                values["region_id"] = cache["regions"].resolve(region_text)
            except ValidationError as error:
                row.add_problem(layout, "region", error.messages[0])
        if call is None:
            return
        self._check_tier_and_amount(row, layout, cache, call)
        self._check_details(row, layout, cache, call)
        title = values.get("subject") or call.programme.name
        values["title"] = title[: Application._meta.get_field("title").max_length]
        key = (call.pk, code or match_key(name), match_key(values["title"]))
        first = cache["seen_rows"].setdefault(key, row.number)
        if first != row.number:
            row.add_problem(
                layout,
                "subject" if "subject" in layout.columns else "enterprise_name",
                _(
                    "duplicate within the file: row %(row)s names the same call, "
                    "enterprise and title."
                )
                % {"row": first},
            )
        row.label = f"{call.code} · {name} · {values['title']}"

    def _check_call(self, row, layout, cache):
        text = row.values.get("call")
        if not text:
            row.add_problem(layout, "call", _("the call is missing."))
            return None
        pk = cache["call_index"].get(clean_code(text))
        if pk is None:
            pk = cache["call_index"].get(match_key(text))
        if pk is None or pk is AMBIGUOUS:
            reason = (
                _("unknown call “%(value)s”; write the call's code or its exact title.")
                if pk is None
                else _("more than one call is titled “%(value)s”; write its code.")
            )
            row.add_problem(layout, "call", reason % {"value": text})
            return None
        call = cache["calls"][pk]
        if self.kind is not None and call.programme.kind != self.kind:
            row.add_problem(
                layout,
                "call",
                _("“%(call)s” is a call for %(kind)s; this sheet is for %(expected)s.")
                % {
                    "call": call.code,
                    "kind": call.programme.get_kind_display(),
                    "expected": Kind(self.kind).label,
                },
            )
            return None
        row.values["call_obj"] = call
        return call

    def _check_consistent(self, row, layout, cache, name, code):
        """One enterprise per credit code and one credit code per name, across the file."""
        name_key = match_key(name)
        seen_name, seen_row = cache["seen_codes"].setdefault(code, (name_key, row.number))
        if seen_name != name_key:
            row.add_problem(
                layout,
                "unified_social_credit_code",
                _("row %(row)s gives this credit code to another name.") % {"row": seen_row},
            )
        seen_code, seen_row = cache["seen_names"].setdefault(name_key, (code, row.number))
        if seen_code != code:
            row.add_problem(
                layout,
                "enterprise_name",
                _("row %(row)s gives this name another credit code.") % {"row": seen_row},
            )

    def _check_tier_and_amount(self, row, layout, cache, call):
        values = row.values
        programme = call.programme
        text = values.pop("tier", None)
        rule = choice = None
        if text:
            key = match_key(text)
            rule = cache["rules"].get(programme.pk, {}).get(key)
            choices = cache["choices"].get(programme.kind)
            if choices:
                choice = choices.get(key)
                if choice is None and rule is not None:
                    choice = choices.get(match_key(rule.tier))
            if rule is None and choice is not None:
                # 省级 names the level "provincial", which may also be a reward rule's tier.
                rule = cache["rules"].get(programme.pk, {}).get(match_key(choice))
            if rule is None and choice is None:
                known = sorted({r.label for r in cache["rules"].get(programme.pk, {}).values()})
                row.add_problem(
                    layout,
                    "tier",
                    _("unknown level or tier “%(value)s” for %(programme)s%(known)s.")
                    % {
                        "value": text,
                        "programme": programme.name,
                        "known": ("; " + _("known: %(list)s") % {"list": "、".join(known)})
                        if known
                        else "",
                    },
                )
        values["tier_choice"] = choice
        amount, amount_wan = values.pop("amount", None), values.pop("amount_wan", None)
        if amount is not None and amount_wan is not None and amount != amount_wan:
            row.add_problem(
                layout,
                "amount",
                _("the amount in yuan (%(yuan)s) and in 万元 (%(wan)s) disagree.")
                % {"yuan": amount, "wan": amount_wan},
            )
        amount = amount if amount is not None else amount_wan
        if amount is None and rule is not None:
            amount = rule.amount
        values["awarded_amount"] = amount

    def _check_details(self, row, layout, cache, call):
        """The kind's typed details; the kind resources add their own columns here."""

    # --- Planning ----------------------------------------------------------------

    def resolve_batch(self, rows, layout, context):
        rows = [row for row in rows if not row.problems]
        if not rows:
            return
        codes = {row.values.get("unified_social_credit_code") for row in rows} - {None, ""}
        names = set()
        for row in rows:
            names |= name_variants(row.values["enterprise_name"])
        by_code = {
            e.unified_social_credit_code: e
            for e in Enterprise.objects.filter(unified_social_credit_code__in=codes)
        }
        by_name = {e.name: e for e in Enterprise.objects.filter(name__in=names)}
        planned = context.cache["planned"]
        for row in rows:
            enterprise = self._match_enterprise(row, layout, by_code, by_name, planned, context)
            row.values["enterprise"] = enterprise
        known = [row for row in rows if not row.problems and row.values["enterprise"].pk]
        existing = {}
        if known:
            applications = Application.objects.filter(
                enterprise_id__in={row.values["enterprise"].pk for row in known},
                call_id__in={row.values["call_obj"].pk for row in known},
            ).select_related(
                "product_detail", "project_detail", "designation_detail", "designation"
            )
            existing = {(a.enterprise_id, a.call_id, a.title): a for a in applications}
        for row in rows:
            if row.problems:
                continue
            values = row.values
            enterprise = values["enterprise"]
            application = existing.get((enterprise.pk, values["call_obj"].pk, values["title"]))
            if application is None:
                row.action = NEW
            elif application.status not in HOLDING:
                row.add_problem(
                    layout,
                    "subject" if "subject" in layout.columns else "enterprise_name",
                    _(
                        "%(enterprise)s already has this application, in status “%(status)s”; "
                        "decide it through the workflow instead."
                    )
                    % {"enterprise": enterprise.name, "status": application.get_status_display()},
                )
            else:
                row.target = application
                row.action = UPDATE if self._differs(application, values) else UNCHANGED
            if enterprise.pk is None and not row.problems:
                row.label += " " + _("(new enterprise)")

    def _match_enterprise(self, row, layout, by_code, by_name, planned, context):
        values = row.values
        code = values.get("unified_social_credit_code") or ""
        name = values["enterprise_name"]
        if code and code in by_code:
            return by_code[code]
        named = next((by_name[v] for v in name_variants(name) if v in by_name), None)
        if named is not None:
            if (
                code
                and named.unified_social_credit_code
                and named.unified_social_credit_code != code
            ):
                row.add_problem(
                    layout,
                    "unified_social_credit_code",
                    _("“%(name)s” is registered with credit code %(code)s, not this one.")
                    % {"name": named.name, "code": named.unified_social_credit_code},
                )
            elif code and not named.unified_social_credit_code:
                named.unified_social_credit_code = code
                named._fill_code = True
            return named
        # New to the system: the same enterprise on several rows is created once.
        key = code or match_key(name)
        enterprise = planned.get(key) or planned.get(match_key(name))
        if enterprise is None:
            enterprise = Enterprise(
                name=name,
                unified_social_credit_code=code or None,
                region_id=values.get("region_id"),
                source=context.cache["source"][:255],
            )
            planned[key] = planned[match_key(name)] = enterprise
        return enterprise

    def _detail_values(self, application_kind, values) -> dict:
        detail = {}
        subject = values.get("subject")
        if subject:
            detail[SUBJECT_FIELD[application_kind]] = subject
        tier_field = TIER_FIELDS.get(application_kind)
        if tier_field and values.get("tier_choice"):
            detail[tier_field] = values["tier_choice"]
        return detail

    def _designation_values(self, call, values) -> dict:
        level = values.get("tier_choice") or call.programme.level
        return {"level": level}

    def _differs(self, application, values) -> bool:
        amount = values.get("awarded_amount")
        if amount is not None and application.awarded_amount != amount:
            return True
        detail = application.detail
        for name, value in self._detail_values(application.kind, values).items():
            if detail is None or getattr(detail, name) != value:
                return True
        if application.kind == Kind.DESIGNATION:
            designation = getattr(application, "designation", None)
            wanted = self._designation_values(application.call, values)
            if designation is None:
                return True
            for name, value in wanted.items():
                if value not in (None, "") and getattr(designation, name) != value:
                    return True
        return False

    # --- Writing -----------------------------------------------------------------

    def write_batch(self, rows, layout, context):
        from enterprises.services import enterprise_bulk_create, enterprise_bulk_update

        from ..services.imports import application_result_import, application_result_update

        new_enterprises, filled = {}, {}
        for row in rows:
            enterprise = row.values["enterprise"]
            if enterprise.pk is None:
                new_enterprises[id(enterprise)] = enterprise
            elif getattr(enterprise, "_fill_code", False):
                filled[enterprise.pk] = enterprise
        if new_enterprises:
            enterprise_bulk_create(
                enterprises=list(new_enterprises.values()),
                actor=context.user,
                reason=context.reason,
            )
        if filled:
            enterprise_bulk_update(
                enterprises=list(filled.values()),
                fields={"unified_social_credit_code"},
                actor=context.user,
                reason=context.reason,
            )
            for enterprise in filled.values():
                enterprise._fill_code = False
        for row in rows:
            values = row.values
            call = values["call_obj"]
            note = _("%(source)s, row %(row)s") % {
                "source": context.cache["source"],
                "row": row.number,
            }
            designation = (
                self._designation_values(call, values)
                if call.programme.kind == Kind.DESIGNATION
                else None
            )
            try:
                if row.action == NEW:
                    row.target = application_result_import(
                        enterprise=values["enterprise"],
                        call=call,
                        actor=context.user,
                        title=values["title"],
                        source_note=note[:255],
                        detail=self._detail_values(call.programme.kind, values),
                        awarded_amount=values.get("awarded_amount"),
                        designation=designation,
                    )
                else:
                    application_result_update(
                        application=row.target,
                        actor=context.user,
                        source_note=note[:255],
                        detail=self._detail_values(row.target.kind, values),
                        awarded_amount=values.get("awarded_amount"),
                        designation=designation,
                        reason=context.reason,
                    )
            except ValidationError as error:
                row.add_problem(layout, None, "; ".join(error.messages))
