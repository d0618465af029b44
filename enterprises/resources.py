"""The enterprise sheet: import and export of enterprises, headed in Chinese or English.

Rows are matched to enterprises by unified social credit code (or, for a
record that has none yet, by legal name); new ones are created in bulk and
changed ones updated in bulk, each with a history row. An empty cell never
erases a stored value. See ``docs/spreadsheets.md`` for the columns.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets.layout import (
    NEW,
    UNCHANGED,
    UPDATE,
    SheetField,
    match_key,
    name_variants,
)
from core.sheets.resource import SheetResource
from enterprises.lookups import (
    CREDIT_CODE_ALIASES,
    INDUSTRY_ALIASES,
    NAME_ALIASES,
    REGION_ALIASES,
    IndustryIndex,
    RegionIndex,
)

from .access import can_import, enterprise_list
from .models import Enterprise
from .validators import parse_credit_code


def _max(field_name: str) -> int:
    return Enterprise._meta.get_field(field_name).max_length


class EnterpriseResource(SheetResource):
    """Enterprises. Matched by credit code; the credit code and legal name are required."""

    can_import = staticmethod(can_import)

    unified_social_credit_code = SheetField(
        "unified_social_credit_code",
        "统一社会信用代码",
        kind="code",
        required=True,
        aliases=CREDIT_CODE_ALIASES,
        help_text=gettext_lazy("18 characters, checked against the GB 32100-2015 check character."),
    )
    name = SheetField(
        "name",
        "企业名称",
        required=True,
        max_length=_max("name"),
        aliases=NAME_ALIASES,
        help_text=gettext_lazy("The legal name in Chinese."),
    )
    region = SheetField(
        "region",
        "所在地区",
        kind="lookup",
        aliases=REGION_ALIASES,
        help_text=gettext_lazy(
            "A Zhejiang region's name (嘉兴市桐乡市, 桐乡市, or 桐乡 where no other region is "
            "called so) or its GB/T 2260 code (330483)."
        ),
    )
    industry = SheetField(
        "industry",
        "行业代码",
        kind="lookup",
        aliases=INDUSTRY_ALIASES,
        help_text=gettext_lazy(
            "A GB/T 4754-2017 class, group or division: its code with or without the "
            "section letter (3061, C3061), or its Chinese name."
        ),
    )
    address = SheetField(
        "address", "地址", max_length=_max("address"), aliases=("注册地址", "企业地址", "通讯地址")
    )
    legal_representative = SheetField(
        "legal_representative",
        "法定代表人",
        max_length=_max("legal_representative"),
        aliases=("法人代表", "法人", "法定代表人（负责人）"),
    )
    contact_name = SheetField(
        "contact_name", "联系人", max_length=_max("contact_name"), aliases=("联系人姓名",)
    )
    contact_phone = SheetField(
        "contact_phone",
        "联系电话",
        kind="phone",
        max_length=_max("contact_phone"),
        aliases=("联系方式", "电话", "手机", "联系人电话", "联系人手机"),
        help_text=gettext_lazy(
            "A mobile number (13812345678) or a landline with its area code "
            "(0573-82345678, an extension as 0573-82345678-801)."
        ),
    )
    name_en = SheetField("name_en", "英文名称", max_length=_max("name_en"), aliases=("英文名",))
    contact_email = SheetField(
        "contact_email",
        "电子邮箱",
        kind="email",
        max_length=_max("contact_email"),
        aliases=("邮箱", "电子邮件", "联系邮箱", "email"),
    )
    above_designated_size = SheetField(
        "above_designated_size",
        "规模以上企业",
        kind="bool",
        aliases=("规上企业", "是否规上企业", "是否规模以上企业", "规模以上"),
        help_text=gettext_lazy("是 (yes) or 否 (no)."),
    )
    description = SheetField("description", "企业简介", aliases=("简介", "备注"))

    class Meta:
        model = Enterprise
        name = gettext_lazy("Enterprises")
        fields = (
            "unified_social_credit_code",
            "name",
            "region",
            "industry",
            "address",
            "legal_representative",
            "contact_name",
            "contact_phone",
            "name_en",
            "contact_email",
            "above_designated_size",
            "description",
        )

    # --- Export -----------------------------------------------------------------

    def get_queryset(self):
        if self.user is not None:
            queryset = enterprise_list(user=self.user)
        else:
            queryset = Enterprise.objects.all()
        return queryset.select_related("region", "industry").order_by("name")

    def dehydrate_unified_social_credit_code(self, enterprise):
        return enterprise.unified_social_credit_code or ""

    def dehydrate_region(self, enterprise):
        return enterprise.region.name if enterprise.region_id else ""

    def dehydrate_industry(self, enterprise):
        return enterprise.industry.code if enterprise.industry_id else ""

    def dehydrate_above_designated_size(self, enterprise):
        return "是" if enterprise.above_designated_size else "否"

    # --- Import -----------------------------------------------------------------

    def begin_import(self, context):
        context.cache.update(
            regions=RegionIndex.load(),
            industries=IndustryIndex.load(),
            seen_codes={},
            seen_names={},
            source=_("Spreadsheet import: %(file)s") % {"file": context.file_name or context.via},
        )

    def check_row(self, row, layout, context):
        values, cache = row.values, context.cache
        code = values.get("unified_social_credit_code") or ""
        name = values.get("name") or ""
        if not code and not row.failed("unified_social_credit_code"):
            row.add_problem(layout, "unified_social_credit_code", _("the credit code is missing."))
        elif code:
            try:
                values["unified_social_credit_code"] = code = parse_credit_code(code)
            except ValidationError as error:
                row.add_problem(layout, "unified_social_credit_code", error.messages[0])
            else:
                first = cache["seen_codes"].setdefault(code, row.number)
                if first != row.number:
                    row.add_problem(
                        layout,
                        "unified_social_credit_code",
                        _("duplicate within the file: row %(row)s has the same credit code.")
                        % {"row": first},
                    )
        if not name:
            if not row.failed("name"):
                row.add_problem(layout, "name", _("the legal name is missing."))
        else:
            first = cache["seen_names"].setdefault(match_key(name), row.number)
            if first != row.number:
                row.add_problem(
                    layout,
                    "name",
                    _("duplicate within the file: row %(row)s has the same name.") % {"row": first},
                )
        self._check_lookups(row, layout, cache)
        row.label = f"{name} {code}".strip()

    def _check_lookups(self, row, layout, cache):
        values = row.values
        for field, index in (("region", cache["regions"]), ("industry", cache["industries"])):
            text = values.pop(field, None)
            if not text:
                continue
            try:
                values[f"{field}_id"] = index.resolve(text)
            except ValidationError as error:
                row.add_problem(layout, field, error.messages[0])

    def resolve_batch(self, rows, layout, context):
        candidates = [row for row in rows if not row.problems]
        codes = {row.values["unified_social_credit_code"] for row in candidates}
        names = set()
        for row in candidates:
            names |= name_variants(row.values["name"])
        by_code = {
            enterprise.unified_social_credit_code: enterprise
            for enterprise in Enterprise.objects.filter(unified_social_credit_code__in=codes)
        }
        by_name = {
            enterprise.name: enterprise for enterprise in Enterprise.objects.filter(name__in=names)
        }
        for row in candidates:
            code, name = row.values["unified_social_credit_code"], row.values["name"]
            existing = by_code.get(code)
            named = next((by_name[v] for v in name_variants(name) if v in by_name), None)
            if existing is None and named is not None:
                if named.unified_social_credit_code:
                    row.add_problem(
                        layout,
                        "name",
                        _("“%(name)s” is already registered with credit code %(code)s.")
                        % {"name": named.name, "code": named.unified_social_credit_code},
                    )
                    continue
                existing = named  # a record without a code yet: the sheet supplies it
            elif existing is not None and named is not None and named.pk != existing.pk:
                row.add_problem(
                    layout,
                    "name",
                    _("another enterprise (credit code %(code)s) already has this name.")
                    % {"code": named.unified_social_credit_code or "—"},
                )
                continue
            if existing is None:
                row.action = NEW
                row.target = self._new_enterprise(row.values, context)
            else:
                changed = self._apply(existing, row.values)
                row.action = UPDATE if changed else UNCHANGED
                row.target, row.extra["changed"] = existing, changed

    def _new_enterprise(self, values, context) -> Enterprise:
        given = {name: value for name, value in values.items() if value is not None and value != ""}
        return Enterprise(source=context.cache["source"][: _max("source")], **given)

    @staticmethod
    def _apply(enterprise: Enterprise, values: dict) -> set[str]:
        """Set the non-empty values on ``enterprise``; the names of the fields that changed."""
        changed = set()
        for name, value in values.items():
            if value is None or value == "":
                continue
            if getattr(enterprise, name) != value:
                setattr(enterprise, name, value)
                changed.add(name)
        return changed

    def write_batch(self, rows, layout, context):
        from .services import enterprise_bulk_create, enterprise_bulk_update

        new = [row.target for row in rows if row.action == NEW]
        if new:
            enterprise_bulk_create(enterprises=new, actor=context.user, reason=context.reason)
        updated = [row for row in rows if row.action == UPDATE]
        if updated:
            fields = set().union(*(row.extra["changed"] for row in updated))
            enterprise_bulk_update(
                enterprises=[row.target for row in updated],
                fields=fields,
                actor=context.user,
                reason=context.reason,
            )
