"""Forms of the plan pages: they validate the edge; the rules live in plan.services / plan.importing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from core.models import Unit, UnitKind, User
from plan.models import Plan, Section, TaskStatus
from plan.periods import Period
from plan.services import MAX_EVIDENCE_FILES, MAX_REPORT_CHARS

IMPORT_EXTENSIONS = (".txt", ".md", ".docx", ".pdf")


def _megabytes(n: int) -> int:
    return n // (1024 * 1024)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="工作要点文件",
        help_text=f"支持 TXT、Markdown、Word（.docx）和 PDF，不超过 {_megabytes(settings.UPLOAD_MAX_BYTES)} MB",
        error_messages={"required": "请选择要导入的文件", "empty": "上传的文件是空的",
                        "invalid": "没有收到文件，请重新选择"},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        ext = PurePath(upload.name or "").suffix.lower()
        if ext not in IMPORT_EXTENSIONS:
            raise forms.ValidationError(
                f"不支持“{ext or '无扩展名'}”文件，请上传 TXT、Markdown、Word（.docx）或 PDF 格式的工作要点")
        if upload.size is not None and upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(f"文件过大，不能超过 {_megabytes(settings.UPLOAD_MAX_BYTES)} MB")
        return upload


class MapNameForm(forms.Form):
    """Map a name the registry does not know to an existing unit."""

    name = forms.CharField(max_length=80, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(label="选择单位", queryset=Unit.objects.active(), empty_label="请选择单位",
                                  error_messages={"required": "请选择要对应的单位",
                                                  "invalid_choice": "所选单位不存在"})


class CreateUnitForm(forms.Form):
    """Create the unit a name stands for; its short name is the name as the document writes it."""

    name = forms.CharField(max_length=40, widget=forms.HiddenInput)
    full_name = forms.CharField(label="单位全称", max_length=120, required=False,
                                help_text="留空则与简称相同")
    kind = forms.ChoiceField(label="单位类型", choices=UnitKind.choices, initial=UnitKind.DEPARTMENT)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Plan) -> str:  # type: ignore[override]
        return f"{obj.year}年 {obj.doc_number}"


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Section) -> str:  # type: ignore[override]
        return f"{obj.plan.year}年 {obj.order}. {obj.short_title}"


class TaskFilterForm(forms.Form):
    plan = PlanChoiceField(label="工作要点文件", queryset=Plan.objects.all(), required=False,
                           empty_label="全部文件")
    section = SectionChoiceField(label="要点", queryset=Section.objects.none(), required=False,
                                 empty_label="全部要点")
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态"), *TaskStatus.choices], required=False)
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.active(), required=False,
                                  empty_label="全部单位")
    q = forms.CharField(label="搜索", max_length=60, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "任务名称、内容或单位"}))
    mine = forms.BooleanField(label="只看我单位牵头的", required=False)
    needs_review = forms.BooleanField(label="只看待复核的", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        plans = Plan.objects.all()
        if not user.is_county_wide:
            plans = (plans.filter(tasks__assignments__unit_id=user.unit_id).distinct() if user.unit_id
                     else plans.none())
        plan_field = self.fields["plan"]
        assert isinstance(plan_field, forms.ModelChoiceField)
        plan_field.queryset = plans
        section_field = self.fields["section"]
        assert isinstance(section_field, forms.ModelChoiceField)
        section_field.queryset = Section.objects.filter(plan__in=plans).select_related("plan")
        if not user.is_county_wide:
            del self.fields["unit"]
        if user.unit_id is None:
            del self.fields["mine"]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    unit = forms.TypedChoiceField(label="填报单位", coerce=int,
                                  error_messages={"invalid_choice": "您不能为所选单位填报"})
    period = forms.ChoiceField(label="填报期", error_messages={"invalid_choice": "请选择本年度已开始的填报期"})
    text = forms.CharField(label="进展情况", max_length=MAX_REPORT_CHARS, widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": "请填写进展情况"})
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100, initial=0,
                                 error_messages={"min_value": "完成进度应在 0 到 100 之间",
                                                 "max_value": "完成进度应在 0 到 100 之间",
                                                 "invalid": "完成进度请填写 0 到 100 的整数",
                                                 "required": "请填写完成进度"})
    claims_done = forms.BooleanField(label="本单位承担的工作已全部完成", required=False)
    problems = forms.CharField(label="存在问题", max_length=MAX_REPORT_CHARS, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(
        label="佐证材料", required=False,
        error_messages={"empty": "佐证材料是空文件", "invalid": "没有收到文件，请重新选择"},
        help_text=(f"可多选，最多 {MAX_EVIDENCE_FILES} 个；PDF、Word、Excel、图片或压缩包，"
                   f"单个不超过 {_megabytes(settings.UPLOAD_MAX_BYTES)} MB"))

    def __init__(self, *args: Any, units: Sequence[Unit], periods: Sequence[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.TypedChoiceField)
        unit_field.choices = [(u.pk, u.short_name) for u in units]
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = [(p.label, p.title) for p in reversed(periods)]

    def clean_evidence(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("evidence") or []
        if len(files) > MAX_EVIDENCE_FILES:
            raise forms.ValidationError(f"一次最多上传 {MAX_EVIDENCE_FILES} 个佐证材料")
        return files


class DashboardForm(forms.Form):
    plan = PlanChoiceField(label="工作要点文件", queryset=Plan.objects.all(), required=False, empty_label=None)
    period = forms.ChoiceField(label="填报期", required=False)

    def __init__(self, *args: Any, periods: Sequence[Period], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        period_field = self.fields["period"]
        assert isinstance(period_field, forms.ChoiceField)
        period_field.choices = [(p.label, p.title) for p in reversed(periods)]


class AssignUnitsForm(forms.Form):
    """The admin's settlement of who answers for a task (after 待复核)."""

    leads = forms.ModelMultipleChoiceField(
        label="牵头单位", queryset=Unit.objects.active(), help_text="可多选（按住 Ctrl 或 ⌘ 键点选）")
    cos = forms.ModelMultipleChoiceField(label="配合单位", queryset=Unit.objects.active(), required=False)
