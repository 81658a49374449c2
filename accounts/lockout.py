"""Two lockout limits on one django-axes database handler.

django-axes compares the largest failure count over AXES_LOCKOUT_PARAMETERS with one limit. Here the
first parameter set (username and client address) has AXES_FAILURE_LIMIT and the second (username
alone, any address) the slower AXES_USERNAME_FAILURE_LIMIT: someone who knows the Business Manager's
address can lock only their own address out quickly, and needs many addresses to lock the account.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _failures(attempts):
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PairThenUsernameHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        pair_attempts, username_attempts = self.get_user_attempts(request, credentials)
        pair_limit = settings.AXES_FAILURE_LIMIT
        username_limit = max(settings.AXES_USERNAME_FAILURE_LIMIT, pair_limit)
        # Scaled so that "count >= AXES_FAILURE_LIMIT" holds exactly when either limit is reached.
        return max(_failures(pair_attempts), _failures(username_attempts) * pair_limit // username_limit)
