"""Form plumbing shared by every app's views."""

from core.text import clean as clean_text


class CleanTextMixin:
    """Every text a form accepts is stored clean (core.text.clean: NFKC, no format or control
    characters), so that what is stored, what the leak guard checks and what is printed are one
    string. Runs before the form's own clean() and before anything neutralises spreadsheet formulas."""

    def _clean_fields(self):
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            if isinstance(value, str):
                self.cleaned_data[name] = clean_text(value)


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the fields it names (the rest above the form), so a
    rule enforced in a service reads like any other field error and the typed input is kept."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
