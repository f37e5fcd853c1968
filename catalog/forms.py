"""Forms of the catalog's main pages: they validate the edge; the rules live in catalog.services/rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q
from django.forms import BaseFormSet, formset_factory

from catalog.models import (
    CatalogSettings,
    Category,
    DataResource,
    Grade,
    InformationSystem,
    ItemType,
    Lifecycle,
    OpenType,
    ServiceMatter,
    SharingType,
    ValidityKind,
)
from catalog.services import RESOURCE_FIELDS, SETTINGS_FIELDS, SYSTEM_FIELDS
from core.models import Unit, User

INDENT = "\u3000"  # a full-width space: option labels cannot be styled, so depth is shown by indentation
_CODE_SPLIT = re.compile(r"[\s,，、;；]+")


def category_label(category: Category) -> str:
    return f"{INDENT * (category.level - 1)}{category.code} {category.name}"


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return category_label(obj)


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return obj.short_name


class SystemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: InformationSystem) -> str:  # type: ignore[override]
        return f"{obj.name}（{obj.unit.short_name}）" if self.show_unit else obj.name

    show_unit = False


class MatterChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ServiceMatter) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.name}"


def matters_of(unit: Unit) -> Any:
    """The 政务服务事项 a unit's records may link: its own and those not assigned to any unit."""
    return ServiceMatter.objects.filter(Q(unit=unit) | Q(unit__isnull=True))


def _choice_field(label: str, choices: Any, empty: str) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[("", empty), *choices], required=False)


# ---- the resource list's filters -------------------------------------------------------------------


class ResourceFilterForm(forms.Form):
    """GET filters of the resource list; option labels get their facet counts after the search."""

    q = forms.CharField(label="搜索", max_length=60, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称、摘要或信息项"}))
    category = forms.ChoiceField(label="资源分类", required=False)
    unit = forms.ChoiceField(label="提供方", required=False)
    sharing_type = forms.ChoiceField(label="共享类型", required=False)
    open_type = forms.ChoiceField(label="开放属性", required=False)
    grade = forms.ChoiceField(label="数据分级", required=False)
    status = forms.ChoiceField(label="状态", required=False)
    mine = forms.BooleanField(label="只看本单位", required=False)

    FACETS = ("category", "unit", "sharing_type", "open_type", "grade", "status")
    EMPTY = {"category": "全部分类", "unit": "全部提供方", "sharing_type": "全部共享类型",
             "open_type": "全部开放属性", "grade": "全部分级", "status": "全部状态"}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        cats = Category.objects.filter(level__lte=Category.Level.ITEM).order_by("code")
        units = Unit.objects.filter(data_resources__isnull=False).distinct().order_by("sort_order", "short_name")
        # The options of each facet without counts; apply_facets() labels them once the counts are known.
        self.options: dict[str, list[tuple[str, str]]] = {
            "category": [(c.code, category_label(c)) for c in cats],
            "unit": [(str(u.pk), u.short_name) for u in units],
            "sharing_type": list(SharingType.choices), "open_type": list(OpenType.choices),
            "grade": list(Grade.choices), "status": list(Lifecycle.choices),
        }
        for name in self.FACETS:
            self._set_choices(name, self.options[name])
        if user.unit_id is None:
            del self.fields["mine"]

    def _set_choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", self.EMPTY[name]), *choices]

    def filters(self) -> dict[str, Any]:
        """The valid filters (a bad value narrows nothing rather than failing the page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if k != "q" and v}

    def query(self) -> str:
        if not self.is_bound:
            return ""
        self.is_valid()
        return str(self.cleaned_data.get("q") or "").strip()

    def apply_facets(self, facets: dict[str, dict[str, int]], mine_count: int | None) -> None:
        """Put the counts next to each option; hide options with nothing behind them (unless chosen)."""
        for name in self.FACETS:
            counts = facets.get(name, {})
            chosen = str(self.data.get(name, "")) if self.is_bound else ""
            self._set_choices(name, [
                (value, f"{label}（{counts.get(value, 0)}）") for value, label in self.options[name]
                if counts.get(value) or value == chosen or name not in ("category", "unit")])
        if "mine" in self.fields and mine_count is not None:
            label = f"只看本单位（{mine_count}）"
            self.fields["mine"].label = label
            self["mine"].label = label  # the bound field copied the label when validation created it


# ---- resource and 信息项 ------------------------------------------------------------------------------


class ResourceForm(forms.ModelForm):
    """The resource's own fields; `items` and `systems` are saved by the view through the services."""

    related_codes_text = forms.CharField(
        label="关联资源代码", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="多个代码用逗号、顿号或换行分隔，如 101/000001")
    systems = SystemChoiceField(label="关联信息系统", queryset=InformationSystem.objects.none(), required=False,
                                widget=forms.CheckboxSelectMultiple,
                                help_text="本单位登记的信息系统中，产生或使用该资源的系统")
    service_matters = MatterChoiceField(label="关联政务服务事项", queryset=ServiceMatter.objects.none(),
                                        required=False, widget=forms.CheckboxSelectMultiple,
                                        help_text="该资源支撑或产生于哪些政务服务事项（数据所属事项）")

    class Meta:
        model = DataResource
        fields = [f for f in RESOURCE_FIELDS if f != "related_codes"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "sharing_condition": forms.Textarea(attrs={"rows": 2}),
            "sharing_basis": forms.Textarea(attrs={"rows": 2}),
            "open_condition": forms.Textarea(attrs={"rows": 2}),
            "opened_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "last_updated_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        field_classes = {"category": CategoryChoiceField}

    def __init__(self, *args: Any, unit: Unit | None, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        assert isinstance(category, forms.ModelChoiceField)
        category.queryset = Category.objects.order_by("code")
        category.empty_label = "请选择分类"
        grade = self.fields["grade"]
        assert isinstance(grade, forms.ChoiceField)
        levels = CatalogSettings.current().general_levels
        current = self.instance.grade if self.instance.pk else ""
        grade.choices = [(v, label) for v, label in Grade.choices
                         if not v.startswith("general_") or int(v[-1]) <= levels or v == current]
        systems = self.fields["systems"]
        assert isinstance(systems, SystemChoiceField)
        if unit is None:  # the admin picks the unit on the page: offer every unit's systems
            systems.queryset = InformationSystem.objects.select_related("unit")
            systems.show_unit = True
            self.fields["unit"] = UnitChoiceField(label="提供方", queryset=Unit.objects.active(),
                                                  empty_label="请选择单位")
            self.order_fields(["unit"])
            del self.fields["service_matters"]  # the unit's matters are offered once it is known (on edit)
        else:
            systems.queryset = InformationSystem.objects.filter(unit=unit).select_related("unit")
            matters = self.fields["service_matters"]
            assert isinstance(matters, forms.ModelMultipleChoiceField)
            matters.queryset = matters_of(unit)
        if self.instance.pk:
            self.initial.setdefault("related_codes_text", "\n".join(self.instance.related_codes or []))
            self.initial.setdefault("systems", [s.pk for s in self.instance.systems.all()])
            self.initial.setdefault("service_matters", [m.pk for m in self.instance.service_matters.all()])
        self.fields["sharing_medium"].help_text = "通过共享平台共享时必选"
        self.fields["sharing_basis"].help_text = "不予共享时必填：法律法规或政策依据"

    def clean_related_codes_text(self) -> list[str]:
        raw = self.cleaned_data.get("related_codes_text") or ""
        return list(dict.fromkeys(code for code in _CODE_SPLIT.split(raw) if code))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        unit = data.get("unit")
        if unit is not None and any(s.unit_id != unit.pk for s in data.get("systems") or []):
            self.add_error("systems", "只能关联提供方自己的信息系统")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {f: data[f] for f in self._meta.fields or [] if f in data}
        fields["related_codes"] = data.get("related_codes_text") or []
        return fields


class ItemForm(forms.Form):
    name = forms.CharField(label="信息项名称", max_length=80)
    data_type = forms.ChoiceField(label="数据类型", choices=ItemType.choices, initial=ItemType.CHAR)
    length = forms.IntegerField(label="长度", min_value=1, max_value=100000, required=False)
    is_sensitive = forms.BooleanField(label="敏感", required=False)
    sharing_type = forms.ChoiceField(label="共享类型", choices=[("", "同资源"), *SharingType.choices],
                                     required=False)
    open_type = forms.ChoiceField(label="开放属性", choices=[("", "同资源"), *OpenType.choices], required=False)
    required = forms.BooleanField(label="必填", required=False)
    unique = forms.BooleanField(label="唯一", required=False)
    validity = forms.ChoiceField(label="取值校验", choices=ValidityKind.choices, required=False)
    description = forms.CharField(label="说明", max_length=200, required=False)


class BaseItemFormSet(BaseFormSet):
    def add_non_form_error(self, message: str) -> None:
        """A service rule about the items as a whole (duplicates, item share/open coupling)."""
        self.non_form_errors().append(message)

    def items(self) -> list[dict[str, Any]]:
        """The filled, not-deleted rows as the services want them."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not data.get("name"):
                continue
            rows.append({k: v for k, v in data.items() if k != "DELETE"})
        return rows


def item_formset(data: Any = None, *, initial: list[dict[str, Any]] | None = None, extra: int = 1) -> Any:
    cls = formset_factory(ItemForm, formset=BaseItemFormSet, extra=extra, can_delete=True, max_num=500,
                          absolute_max=500)
    return cls(data, initial=initial, prefix="items")


# ---- systems ---------------------------------------------------------------------------------------


class SystemForm(forms.ModelForm):
    service_matters = MatterChoiceField(label="关联政务服务事项", queryset=ServiceMatter.objects.none(),
                                        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = InformationSystem
        fields = [*SYSTEM_FIELDS, "service_matters"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, unit: Unit | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        matters = self.fields["service_matters"]
        assert isinstance(matters, forms.ModelMultipleChoiceField)
        if unit is None:
            matters.queryset = ServiceMatter.objects.all()
            self.fields["unit"] = UnitChoiceField(label="建设单位", queryset=Unit.objects.active(),
                                                  empty_label="请选择单位")
            self.order_fields(["unit"])
        else:
            matters.queryset = matters_of(unit)

    def service_fields(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in SYSTEM_FIELDS if f in self.cleaned_data}


class SystemFilterForm(forms.Form):
    q = forms.CharField(label="搜索", max_length=60, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "系统名称"}))
    unit = forms.ModelChoiceField(label="建设单位", queryset=Unit.objects.active(), required=False,
                                  empty_label="全部单位")
    status = _choice_field("审核状态", Lifecycle.choices, "全部状态")
    state = _choice_field("运行状态", InformationSystem.State.choices, "全部运行状态")


# ---- lifecycle, settings, classification ------------------------------------------------------------


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[("submit", "提交审核"), ("approve", "通过"), ("return", "退回"),
                                        ("offline", "下线")], widget=forms.HiddenInput)
    comment = forms.CharField(label="意见", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CatalogSettings
        fields = SETTINGS_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SETTINGS_FIELDS:
            field = self.fields[name]
            assert isinstance(field, forms.IntegerField)
            field.max_value = 365
            field.widget.attrs.update({"min": 0, "max": 365, "inputmode": "numeric"})


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Category) -> str:  # type: ignore[override]
        return f"{category_label(obj)}（{obj.get_level_display()}）"


class CategoryForm(forms.Form):
    parent = ParentChoiceField(label="上级分类", empty_label="请选择“项”或“目”",
                               queryset=Category.objects.filter(
                                   level__in=[Category.Level.ITEM, Category.Level.SUBJECT]).order_by("code"),
                               help_text="在“项”下增加“目”（3 位数字），在“目”下增加“细目”（1–10 位数字）")
    segment = forms.CharField(label="本级编码", max_length=10, widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    name = forms.CharField(label="名称", max_length=60)


class UnitPickForm(forms.Form):
    unit = UnitChoiceField(label="单位", queryset=Unit.objects.active(), empty_label=None)
