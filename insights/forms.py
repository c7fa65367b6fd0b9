from datetime import date, timedelta

from django import forms
from django.utils import timezone

from .analytics import DateRange

DEFAULT_WEEKS = 26
MAX_SPAN_DAYS = 5 * 366
END_BEFORE_START = "The end date is before the start date."
SPAN_TOO_LONG = "Choose at most five years."
OUT_OF_RANGE = "Choose dates between 1900 and 2200."
EARLIEST, LATEST = date(1900, 1, 1), date(2200, 12, 31)  # room for the weeks and months around them


class DateRangeForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if any(day and not EARLIEST <= day <= LATEST for day in (data.get("start"), data.get("end"))):
            raise forms.ValidationError(OUT_OF_RANGE)
        end = data.get("end") or timezone.localdate()
        start = data.get("start") or end - timedelta(weeks=DEFAULT_WEEKS) + timedelta(days=1)
        if end < start:
            raise forms.ValidationError(END_BEFORE_START)
        if (end - start).days > MAX_SPAN_DAYS:
            raise forms.ValidationError(SPAN_TOO_LONG)
        data["period"] = DateRange(start=start, end=end)
        return data


def period_from(query) -> tuple[DateRange, DateRangeForm]:
    """The requested range, or the default one (shown with the form's errors) when it is invalid."""
    form = DateRangeForm(query)
    if form.is_valid():
        period = form.cleaned_data["period"]
        # Show the dates in use, also when they were defaults.
        return period, DateRangeForm({"start": period.start.isoformat(), "end": period.end.isoformat()})
    default = DateRangeForm({})
    default.is_valid()
    return default.cleaned_data["period"], form
