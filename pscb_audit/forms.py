"""Form plumbing shared by every app's views."""


def add_service_errors(form, exc):
    """Put a service's ValidationError next to the fields it names (the rest above the form), so a
    rule enforced in a service reads like any other field error and the typed input is kept."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
