"""Role rules of the learning app (objects are still scoped by the selectors)."""

from accounts.models import Role
from accounts.permissions import role_required

# The library, the recurring themes and the programme: everyone but the administrator (who sees no
# case data); what each sees is scoped by learning.selectors.
LEARNING_READERS = tuple(r for r in Role.values if r != Role.ADMINISTRATOR)

learning_reader_required = role_required(*LEARNING_READERS)
