from django import forms

from core.forms import CrispyFormMixin, DateInput, GovukFormMixin

from .models import AuditTool, Grade, Tool, ToolQuestion, ToolSection
from .services import DEFAULT_TEXT_MAX_LENGTH, REFLECTION_MAX_LENGTH


class ToolForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Save tool"

    class Meta:
        model = Tool
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class SectionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Add section"

    class Meta:
        model = ToolSection
        fields = ["title", "guidance", "practice_boxes"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 2})}
        labels = {"title": "Section (domain) title"}


class QuestionForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Save question"
    choices = forms.CharField(
        label="Options (choice lists only, one a line)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    max_length = forms.IntegerField(
        label="Longest answer in characters (free text only)",
        required=False,
        min_value=1,
        max_value=DEFAULT_TEXT_MAX_LENGTH,
    )

    class Meta:
        model = ToolQuestion
        fields = ["text", "help_text", "answer_type", "required", "max_length"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["choices"] = "\n".join(self.instance.choices)

    def service_kwargs(self):
        return {
            name: self.cleaned_data[name]
            for name in ("text", "help_text", "answer_type", "required", "max_length", "choices")
        }


class AuditToolForm(CrispyFormMixin, forms.ModelForm):
    submit_label = "Use this tool"
    tool = forms.ModelChoiceField(queryset=Tool.objects.all(), label="Audit tool")

    class Meta:
        model = AuditTool
        fields = ["grades_annex"]

    def __init__(self, *args, tools, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tool"].queryset = tools
        if self.instance.pk and not self.is_bound:
            self.initial["tool"] = self.instance.version.tool_id
        self.order_fields(["tool", "grades_annex"])


def _question_field(question):
    """The field for one tool question. Blank while drafting; a required question is enforced when
    the return is submitted, so its field says so (`required_on_submit`) and is not marked optional."""
    field = _question_field_of_kind(question)
    field.required_on_submit = question.required
    return field


def _question_field_of_kind(question):
    label = question.text
    common = {"label": label, "required": False, "help_text": question.help_text}
    kind = question.answer_type
    if kind == ToolQuestion.AnswerType.TEXT:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=question.max_length or DEFAULT_TEXT_MAX_LENGTH,
            **common,
        )
    if kind == ToolQuestion.AnswerType.DATE:
        return forms.DateField(widget=DateInput(), input_formats=["%Y-%m-%d", "%d/%m/%Y"], **common)
    return forms.ChoiceField(widget=forms.RadioSelect, choices=question.option_choices, **common)


class ReturnToolForm(GovukFormMixin, forms.Form):
    """The return's tool questions, section by section. Blanks are allowed while drafting; required
    questions are enforced when the return is submitted."""

    def __init__(self, *args, blocks, **kwargs):
        super().__init__(*args, **kwargs)
        self.blocks = blocks
        for block in blocks:
            for row in block.rows:
                q = row.question
                self.fields[f"q{q.pk}"] = _question_field(q)
                if row.answer is not None and not self.is_bound:
                    self.initial[f"q{q.pk}"] = row.answer.date or row.answer.value
            if block.section.practice_boxes:
                for name, label, attr in (
                    ("good", "Good practice", "good_practice"),
                    ("areas", "Areas for development", "areas_for_development"),
                ):
                    key = f"s{block.section.pk}_{name}"
                    self.fields[key] = forms.CharField(
                        label=f"{label}: {block.section.title}",
                        required=False,
                        max_length=REFLECTION_MAX_LENGTH,
                        widget=forms.Textarea(attrs={"rows": 2}),
                    )
                    if block.reflection and not self.is_bound:
                        self.initial[key] = getattr(block.reflection, attr)

    def section_fields(self, block):
        fields = [self[f"q{row.question.pk}"] for row in block.rows]
        extra = []
        if block.section.practice_boxes:
            extra = [self[f"s{block.section.pk}_good"], self[f"s{block.section.pk}_areas"]]
        return fields, extra

    def answers(self):
        out = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("q"):
                out[int(name[1:])] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
        return out

    def reflections(self):
        out = {}
        for block in self.blocks:
            if block.section.practice_boxes:
                pk = block.section.pk
                out[pk] = (
                    self.cleaned_data.get(f"s{pk}_good", ""),
                    self.cleaned_data.get(f"s{pk}_areas", ""),
                )
        return out


class ModerationForm(GovukFormMixin, forms.Form):
    # One per agency in the moderation grid, drawn compactly by its own template: a select, not radios.
    radios_up_to = 0

    grade = forms.ChoiceField(label="Panel's grade", choices=Grade.choices)
    reason = forms.CharField(
        label="Reason (needed when the panel's grade differs)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class JudgementForm(GovukFormMixin, forms.Form):
    radios_up_to = 0  # drawn beside the moderation grid by its own template (a select)

    grade = forms.ChoiceField(label="Overall judgement for the case", choices=Grade.choices)
    summary = forms.CharField(
        label="Why", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
