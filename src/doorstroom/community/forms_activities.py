"""Forms of activity requests, spending, evaluations and the budget. Amounts are typed the Dutch
way or the English way ("12,50", "12.50", "1.250,00"); the services check everything again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doorstroom.community.activities import MAX_AMOUNT, MAX_LINES, Line, request_errors
from doorstroom.community.receipts import check_receipt
from doorstroom.config.forms import DateInput, UtrechtFormMixin
from doorstroom.lettings.applications import parse_amount

#: What the file picker offers; the content decides (receipts.py).
RECEIPT_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,.heic,application/pdf"


def parse_money(text: str) -> Decimal:
    """An amount in euros from what someone typed; ValidationError when it is not an amount."""
    try:
        amount = parse_amount(text)
    except ValidationError as error:
        if error.code == "max_value":
            raise ValidationError(_("That amount is too high."), code="max_value") from error
        raise ValidationError(
            _("Fill in an amount, for example 12.50."), code="not_an_amount"
        ) from error
    if amount > MAX_AMOUNT:
        raise ValidationError(_("That amount is too high."), code="max_value")
    return amount.quantize(Decimal("0.01"))


class MoneyField(forms.CharField):
    """An amount of euros; more than 0 unless ``allow_zero``."""

    def __init__(self, *, allow_zero: bool = False, **kwargs: Any) -> None:
        self.allow_zero = allow_zero
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        if text in self.empty_values:
            return None
        amount = parse_money(text)
        if amount < 0 or (amount == 0 and not self.allow_zero):
            raise ValidationError(_("An amount is more than € 0."), code="min_value")
        return amount


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "ds-date", **(attrs or {})}, format="%H:%M")


class RequestForm(UtrechtFormMixin, forms.Form):
    """The request itself; the budget lines are a formset beside it."""

    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=120,
        help_text=gettext_lazy("For example: Summer barbecue in the garden."),
        error_messages={"required": gettext_lazy("Fill in a title.")},
    )
    description = forms.CharField(
        label=gettext_lazy("What is the plan?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("What you will do, for whom, and why it is good for the community."),
        error_messages={"required": gettext_lazy("Describe the activity.")},
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        max_length=120,
        widget=forms.TextInput(attrs={"list": "places", "autocomplete": "off"}),
        help_text=gettext_lazy("Choose a communal space or type another place."),
        error_messages={"required": gettext_lazy("Fill in where the activity takes place.")},
    )
    starts_on = forms.DateField(
        label=gettext_lazy("Date"),
        widget=DateInput(attrs={"class": "ds-date"}),
        error_messages={
            "required": gettext_lazy("Fill in the date of the activity."),
            "invalid": gettext_lazy("Fill in a date, for example 21-06-2025."),
        },
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Last date (optional)"),
        required=False,
        widget=DateInput(attrs={"class": "ds-date"}),
        help_text=gettext_lazy("Only for an activity of more than one day."),
        error_messages={"invalid": gettext_lazy("Fill in a date, for example 22-06-2025.")},
    )
    start_time = forms.TimeField(
        label=gettext_lazy("From (optional)"),
        required=False,
        widget=TimeInput(),
        error_messages={"invalid": gettext_lazy("Fill in a time, for example 17:30.")},
    )
    end_time = forms.TimeField(
        label=gettext_lazy("Until (optional)"),
        required=False,
        widget=TimeInput(),
        error_messages={"invalid": gettext_lazy("Fill in a time, for example 21:00.")},
    )
    expected_participants = forms.IntegerField(
        label=gettext_lazy("Expected participants"),
        min_value=1,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": gettext_lazy("Fill in how many people you expect."),
            "invalid": gettext_lazy("Fill in a number."),
            "min_value": gettext_lazy("Expect at least 1 participant."),
        },
    )
    organisers = forms.CharField(
        label=gettext_lazy("Organisers (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Who organises it with you (display names)."),
    )
    needs_from_corporation = forms.CharField(
        label=gettext_lazy("What do you need from the corporation? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("For example the key of the communal room, or tables and chairs."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # The rules of the service, shown at once next to the field they are about.
        for field, messages in request_errors(cleaned, [], today=timezone.localdate()).items():
            if field in self.fields and field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}


class BudgetLineForm(UtrechtFormMixin, forms.Form):
    """One budget line: what it is for and the amount. An empty line is left out."""

    item = forms.CharField(label=gettext_lazy("Item"), max_length=120, required=False)
    amount = forms.CharField(
        label=gettext_lazy("Amount (€)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean_amount(self) -> Decimal | None:
        text = (self.cleaned_data.get("amount") or "").strip()
        if not text:
            return None
        amount = parse_money(text)
        if amount <= 0:
            raise ValidationError(_("An amount is more than € 0."), code="min_value")
        return amount

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        item = (cleaned.get("item") or "").strip()
        amount = cleaned.get("amount")
        if item and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Fill in the amount of this line."))
        if not item and (amount is not None or "amount" in self.errors):
            self.add_error("item", _("Fill in what this amount is for."))
        cleaned["item"] = item
        return cleaned

    def line(self) -> Line | None:
        item, amount = self.cleaned_data.get("item"), self.cleaned_data.get("amount")
        if item and amount is not None:
            return (item, amount)
        return None


class BaseBudgetLineFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_many_forms": gettext_lazy("A request has at most 10 budget lines."),
        "too_few_forms": gettext_lazy("A request has at most 10 budget lines."),
        "missing_management_form": gettext_lazy(
            "The budget lines are missing from the form. Reload the page and try again."
        ),
    }

    def lines(self) -> list[Line]:
        """The filled-in lines, in order."""
        return [line for form in self.forms if (line := form.line()) is not None]


BudgetLineFormSet = forms.formset_factory(
    BudgetLineForm,
    formset=BaseBudgetLineFormSet,
    extra=0,
    max_num=MAX_LINES,
    absolute_max=MAX_LINES,
    validate_max=True,
)

#: Empty lines a new request starts with; "add a line" adds one more, up to MAX_LINES.
EMPTY_LINES = 3
LINES_PREFIX = "lines"


def line_formset(
    data: Any = None, *, initial: list[dict[str, Any]] | None = None, empty: int = EMPTY_LINES
) -> BaseBudgetLineFormSet:
    """The budget-line formset: bound to ``data``, or showing ``initial`` lines plus ``empty`` empty
    ones (never more than MAX_LINES in all)."""
    if data is not None:
        return cast(BaseBudgetLineFormSet, BudgetLineFormSet(data, prefix=LINES_PREFIX))
    initial = list(initial or [])[:MAX_LINES]
    extra = max(0, min(empty, MAX_LINES - len(initial)))
    formset_class = forms.formset_factory(
        BudgetLineForm,
        formset=BaseBudgetLineFormSet,
        extra=extra,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    )
    return cast(BaseBudgetLineFormSet, formset_class(initial=initial, prefix=LINES_PREFIX))


def lines_from_post(data: Any) -> list[dict[str, Any]]:
    """The budget lines as typed (unchecked), to show them again with one more empty line."""
    try:
        total = int(data.get(f"{LINES_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    lines = []
    for index in range(max(0, min(total, MAX_LINES))):
        item = str(data.get(f"{LINES_PREFIX}-{index}-item", ""))[:120]
        amount = str(data.get(f"{LINES_PREFIX}-{index}-amount", ""))[:20]
        lines.append({"item": item, "amount": amount})
    return lines


class CancelForm(UtrechtFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it cancelled? (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExpenseForm(UtrechtFormMixin, forms.Form):
    description = forms.CharField(
        label=gettext_lazy("What was bought?"),
        max_length=120,
        error_messages={"required": gettext_lazy("Fill in what was bought.")},
    )
    amount = MoneyField(
        label=gettext_lazy("Amount (€)"),
        help_text=gettext_lazy("For example 12,50."),
        error_messages={"required": gettext_lazy("Fill in the amount.")},
    )
    spent_on = forms.DateField(
        label=gettext_lazy("Date of the purchase"),
        widget=DateInput(attrs={"class": "ds-date"}),
        error_messages={
            "required": gettext_lazy("Fill in the date of the purchase."),
            "invalid": gettext_lazy("Fill in a date, for example 21-06-2025."),
        },
    )
    receipt = forms.FileField(
        label=gettext_lazy("Receipt (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": RECEIPT_ACCEPT}),
        error_messages={
            "invalid": gettext_lazy("A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."),
            "empty": gettext_lazy("A receipt is a photo (JPEG, PNG, WebP, HEIC) or a PDF."),
        },
    )

    def __init__(self, *args: Any, max_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["receipt"].help_text = _(
            "A photo (JPEG, PNG, WebP, HEIC) or a PDF of at most %(mb)s MB."
        ) % {"mb": max_mb}

    def clean_spent_on(self) -> Any:
        spent_on = self.cleaned_data.get("spent_on")
        if spent_on is not None and spent_on > timezone.localdate():
            raise ValidationError(_("The date of a purchase cannot be in the future."))
        return spent_on

    def clean_receipt(self) -> Any:
        receipt = self.cleaned_data.get("receipt")
        if receipt:
            check_receipt(receipt)
        return receipt or None


class EvaluationForm(UtrechtFormMixin, forms.Form):
    participants = forms.IntegerField(
        label=gettext_lazy("How many people took part?"),
        min_value=0,
        max_value=32767,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": gettext_lazy("Fill in how many people took part."),
            "invalid": gettext_lazy("Fill in a number."),
        },
    )
    how_it_went = forms.CharField(
        label=gettext_lazy("How did it go?"),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Tell how it went.")},
    )
    do_differently = forms.CharField(
        label=gettext_lazy("What would you do differently next time? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actual_spending = MoneyField(
        allow_zero=True,
        label=gettext_lazy("Actual spending (€)"),
        help_text=gettext_lazy(
            "Filled in with the total of the recorded spending; 0 when nothing was spent."
        ),
        error_messages={
            "required": gettext_lazy("Fill in what was spent; 0 when nothing was spent.")
        },
    )


class BudgetForm(UtrechtFormMixin, forms.Form):
    amount = MoneyField(
        allow_zero=True,
        label=gettext_lazy("Budget for the year (€)"),
        help_text=gettext_lazy("For example 2.500 or 2500,00."),
        error_messages={"required": gettext_lazy("Fill in the budget.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example the decision the budget comes from."),
    )


__all__ = [
    "BudgetForm",
    "BudgetLineForm",
    "CancelForm",
    "EvaluationForm",
    "ExpenseForm",
    "MoneyField",
    "RequestForm",
    "line_formset",
    "lines_from_post",
    "parse_money",
]
