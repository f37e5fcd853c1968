"""Forms of the demand and sharing pages: they bound the input; catalog.demands decides the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from catalog import demands
from catalog.models import DemandState, SharingMedium
from core import forms as core_forms
from core.models import Unit

TEXT = demands.MAX_TEXT  # the services cut text at this length; the forms say so first
RATING_TEXT = 300


def _required(label: str) -> dict[str, str]:
    return {"required": f"请填写{label}", "max_length": f"{label}不能超过 %(limit_value)d 字"}


def _area(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


add_domain_error = core_forms.add_domain_error  # kept for the catalog's views


# ---- the list ------------------------------------------------------------------------------------


class DemandFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *DemandState.choices])
    overdue = forms.BooleanField(label="只看逾期", required=False)
    q = forms.CharField(label="所需数据", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "名称关键词"}))


# ---- filing a demand -----------------------------------------------------------------------------

class DemandForm(forms.Form):
    resource = forms.TypedChoiceField(
        label="所需资源", required=False, coerce=int, empty_value=None,
        help_text="从目录中选择其他单位已发布的可共享资源；目录中没有的数据请留空，填写下面两项",
        error_messages={"invalid_choice": "所选资源不可申请：须为其他单位已发布、非涉密且可共享的资源"})
    wanted_name = forms.CharField(label="所需数据（目录中没有时填写）", required=False, max_length=128,
                                  error_messages=_required("所需数据"))
    provider = forms.ModelChoiceField(label="提供单位（目录中没有时选择）", required=False,
                                      queryset=Unit.objects.active(), empty_label="请选择提供单位",
                                      error_messages={"invalid_choice": "所选单位不存在"})
    wanted_items = forms.CharField(label="所需信息项", required=False, max_length=TEXT, widget=_area(2),
                                   help_text="如：姓名、公民身份号码、户籍地址；留空表示全部信息项",
                                   error_messages=_required("所需信息项"))
    purpose = forms.CharField(label="用途", max_length=TEXT, widget=_area(), error_messages=_required("用途"),
                              help_text="说明用于哪项业务、办理哪类事项")
    legal_basis = forms.CharField(label="依据", max_length=TEXT, widget=_area(2),
                                  error_messages=_required("依据"),
                                  help_text="法律法规、政策文件或本单位“三定”职责")
    medium = forms.ChoiceField(label="期望共享方式", choices=SharingMedium.choices, initial=SharingMedium.API)

    def __init__(self, *args: Any, requester: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[int, str]]] = {}
        for r in demands.requestable_resources(requester).select_related("unit").order_by(
                "unit__sort_order", "unit__short_name", "code"):
            groups.setdefault(r.unit.short_name, []).append((r.pk, f"{r.name}（{r.code}）"))
        self.offered = {pk for group in groups.values() for pk, _ in group}
        field = self.fields["resource"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "不选：申请目录中没有的数据"), *groups.items()]
        provider = self.fields["provider"]
        assert isinstance(provider, forms.ModelChoiceField)
        provider.queryset = Unit.objects.active().exclude(pk=requester.pk)

    def offers(self, resource_id: int) -> bool:
        return resource_id in self.offered


# ---- the steps on a demand -----------------------------------------------------------------------


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(label="答复", widget=forms.RadioSelect,
                                 choices=[(DemandState.AGREED, "同意"), (DemandState.CONDITIONAL, "有条件同意"),
                                          (DemandState.REFUSED, "不同意")],
                                 error_messages={"required": "请选择答复结果", "invalid_choice": "请选择答复结果"})
    conditions = forms.CharField(label="共享条件（有条件同意时填写）", required=False, max_length=TEXT,
                                 widget=_area(2), error_messages=_required("共享条件"))
    reason = forms.CharField(label="理由或说明（不同意时必填）", required=False, max_length=TEXT, widget=_area(2),
                             help_text="不同意须写明法律法规或政策依据", error_messages=_required("理由"))


class DeliveryForm(forms.Form):
    note = forms.CharField(label="交付说明", max_length=TEXT, widget=_area(2), error_messages=_required("交付说明"),
                           help_text="如：已在共享平台开通接口权限，接口编号……")


RATINGS = [(5, "5 分：非常满意"), (4, "4 分：满意"), (3, "3 分：基本满意"), (2, "2 分：不太满意"),
           (1, "1 分：不满意")]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(label="评价", coerce=int, choices=RATINGS, widget=forms.RadioSelect,
                                    error_messages={"required": "请选择评分", "invalid_choice": "评分应为 1 到 5 分"})
    comment = forms.CharField(label="评价意见", required=False, max_length=RATING_TEXT, widget=_area(2),
                              error_messages=_required("评价意见"))


class WithdrawForm(forms.Form):
    """Withdrawing needs no input; the form keeps the step handling uniform."""


# ---- the sharing list ----------------------------------------------------------------------------


class SharingFilterForm(forms.Form):
    unit = forms.ModelChoiceField(label="单位（提供或使用）", required=False, queryset=Unit.objects.active(),
                                  empty_label="全部单位", error_messages={"invalid_choice": "所选单位不存在"})
    q = forms.CharField(label="资源名称或代码", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search"}))
    active = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部"), ("1", "有效"), ("0", "已停止")])
    resource = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
