"""Applications of one kind as spreadsheets: the results-list columns plus the kind's details.

Each resource accepts only calls of its kind; importing works as for a
published results list (``.applications.ResultListResource``): every row a
granted application, created once and updated when imported again.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.sheets.layout import SheetField, match_key

from ..models import Application, Kind
from .applications import ResultListResource, choice_label


class _KindResource(ResultListResource):
    """Applications of one kind: the results-list columns plus the kind's details."""

    class Meta:
        model = Application

    detail_columns: tuple = ()

    def _check_details(self, row, layout, cache, call):
        pass

    def _detail_values(self, application_kind, values) -> dict:
        detail = super()._detail_values(application_kind, values)
        for name in self.detail_columns:
            if values.get(name) not in (None, ""):
                detail[name] = values[name]
        return detail

    def _export_detail(self, application, name):
        return getattr(application.detail, name, None) if application.detail else None


BASE_COLUMNS = (
    "call",
    "enterprise_name",
    "unified_social_credit_code",
    "region",
    "subject",
    "tier",
    "amount",
    "amount_wan",
)


class ProductApplicationResource(_KindResource):
    """Product recognition: first-batch materials, new products and technologies."""

    kind = Kind.PRODUCT
    detail_columns = (
        "technology_readiness_level",
        "key_indicators",
        "intellectual_property",
        "first_sold_on",
    )

    technology_readiness_level = SheetField(
        "technology_readiness_level", "技术成熟度", kind="int", aliases=("技术成熟度等级", "TRL")
    )
    key_indicators = SheetField(
        "key_indicators", "关键指标", aliases=("主要技术指标", "关键性能指标")
    )
    intellectual_property = SheetField("intellectual_property", "知识产权", aliases=("专利",))
    first_sold_on = SheetField(
        "first_sold_on", "首次销售日期", kind="date", aliases=("首次销售时间", "首台套销售日期")
    )

    class Meta(_KindResource.Meta):
        name = gettext_lazy("Product recognition applications")
        fields = (
            *BASE_COLUMNS,
            "technology_readiness_level",
            "key_indicators",
            "intellectual_property",
            "first_sold_on",
            "status",
        )

    def dehydrate_technology_readiness_level(self, application):
        return self._export_detail(application, "technology_readiness_level")

    def dehydrate_key_indicators(self, application):
        return self._export_detail(application, "key_indicators") or ""

    def dehydrate_intellectual_property(self, application):
        return self._export_detail(application, "intellectual_property") or ""

    def dehydrate_first_sold_on(self, application):
        return self._export_detail(application, "first_sold_on")

    def _check_details(self, row, layout, cache, call):
        super()._check_details(row, layout, cache, call)
        level = row.values.get("technology_readiness_level")
        if level is not None and not 1 <= level <= 9:
            row.add_problem(
                layout,
                "technology_readiness_level",
                _("the technology readiness level runs from 1 to 9."),
            )


class ProjectApplicationResource(_KindResource):
    """Project funding: the project's category, investment and period."""

    kind = Kind.PROJECT
    detail_columns = ("category", "total_investment", "starts_on", "ends_on")

    category = SheetField(
        "category", "项目类别", kind="lookup", aliases=("类别", "项目方向", "支持方向")
    )
    total_investment = SheetField(
        "total_investment",
        "总投资（元）",
        kind="decimal",
        aliases=("总投资", "项目总投资", "项目总投资（元）"),
    )
    total_investment_wan = SheetField(
        "total_investment_wan",
        "总投资（万元）",
        kind="wan",
        primary=False,
        aliases=("项目总投资（万元）",),
    )
    starts_on = SheetField(
        "starts_on", "开始日期", kind="date", aliases=("开始时间", "建设起始日期")
    )
    ends_on = SheetField("ends_on", "结束日期", kind="date", aliases=("结束时间", "完成日期"))

    class Meta(_KindResource.Meta):
        name = gettext_lazy("Project funding applications")
        fields = (
            *BASE_COLUMNS,
            "category",
            "total_investment",
            "total_investment_wan",
            "starts_on",
            "ends_on",
            "status",
        )

    def dehydrate_category(self, application):
        return choice_label(self._export_detail(application, "category") or "")

    def dehydrate_total_investment(self, application):
        return self._export_detail(application, "total_investment")

    def dehydrate_starts_on(self, application):
        return self._export_detail(application, "starts_on")

    def dehydrate_ends_on(self, application):
        return self._export_detail(application, "ends_on")

    def _check_details(self, row, layout, cache, call):
        values = row.values
        wan = values.pop("total_investment_wan", None)
        if values.get("total_investment") is None and wan is not None:
            values["total_investment"] = wan
        text = values.get("category")
        if text:
            category = cache["categories"].get(match_key(text))
            if category is None:
                row.add_problem(
                    layout,
                    "category",
                    _("unknown project category “%(value)s”.") % {"value": text},
                )
            values["category"] = category
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if starts and ends and ends < starts:
            row.add_problem(layout, "ends_on", _("the project ends before it starts."))
        super()._check_details(row, layout, cache, call)


class DesignationApplicationResource(_KindResource):
    """Enterprise designation: the platform, its means and the title conferred."""

    kind = Kind.DESIGNATION
    detail_columns = ("rd_staff", "rd_spending", "equipment_value", "municipal_recognised_on")
    designation_columns = ("certificate_number", "designated_on", "valid_until")

    rd_staff = SheetField(
        "rd_staff", "研发人员数", kind="int", aliases=("研发人员", "研发人员（人）")
    )
    rd_spending = SheetField(
        "rd_spending",
        "研发经费（元）",
        kind="decimal",
        aliases=("研发经费", "研发投入", "研发投入（元）"),
    )
    equipment_value = SheetField(
        "equipment_value",
        "研发设备原值（元）",
        kind="decimal",
        aliases=("研发设备原值", "仪器设备原值"),
    )
    municipal_recognised_on = SheetField(
        "municipal_recognised_on", "市级认定日期", kind="date", aliases=("市级认定时间",)
    )
    certificate_number = SheetField(
        "certificate_number", "证书编号", max_length=60, aliases=("证书号", "编号")
    )
    designated_on = SheetField(
        "designated_on", "认定日期", kind="date", aliases=("认定时间", "授牌日期")
    )
    valid_until = SheetField(
        "valid_until", "有效期至", kind="date", aliases=("有效期", "有效期截止")
    )

    class Meta(_KindResource.Meta):
        name = gettext_lazy("Enterprise designation applications")
        fields = (
            *BASE_COLUMNS,
            "rd_staff",
            "rd_spending",
            "equipment_value",
            "municipal_recognised_on",
            "certificate_number",
            "designated_on",
            "valid_until",
            "status",
        )

    def dehydrate_rd_staff(self, application):
        return self._export_detail(application, "rd_staff")

    def dehydrate_rd_spending(self, application):
        return self._export_detail(application, "rd_spending")

    def dehydrate_equipment_value(self, application):
        return self._export_detail(application, "equipment_value")

    def dehydrate_municipal_recognised_on(self, application):
        return self._export_detail(application, "municipal_recognised_on")

    def _designation(self, application):
        return getattr(application, "designation", None)

    def dehydrate_certificate_number(self, application):
        designation = self._designation(application)
        return designation.certificate_number if designation else ""

    def dehydrate_designated_on(self, application):
        designation = self._designation(application)
        return designation.designated_on if designation else None

    def dehydrate_valid_until(self, application):
        designation = self._designation(application)
        return designation.valid_until if designation else None

    def _designation_values(self, call, values) -> dict:
        designation = super()._designation_values(call, values)
        for name in self.designation_columns:
            if values.get(name) not in (None, ""):
                designation[name] = values[name]
        return designation


KIND_RESOURCES = {
    Kind.PRODUCT: ProductApplicationResource,
    Kind.PROJECT: ProjectApplicationResource,
    Kind.DESIGNATION: DesignationApplicationResource,
}
