from django.http import Http404
from django.shortcuts import get_object_or_404

from cases.selectors import case_list_for_user


def case_for_reader(request, case_pk):
    """The case if the user is the Business Manager or sits on its audit's panel; 404 otherwise."""
    return get_object_or_404(case_list_for_user(user=request.user), pk=case_pk)


def or_404(obj):
    if obj is None:
        raise Http404
    return obj
