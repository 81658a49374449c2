from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.selectors import case_list_for_user


def case_for_reader(request, case_pk):
    """The case if the user is the Business Manager or sits on its audit's panel; 404 otherwise."""
    return get_object_or_404(case_list_for_user(user=request.user), pk=case_pk)


def form_errors_from(exc, form):
    """Put a service's ValidationError next to the fields it names."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def or_404(obj):
    if obj is None:
        raise Http404
    return obj
