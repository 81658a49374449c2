"""The chronology's size limits, in one place, importable by settings (no models, no Django setup).

The return edit page posts every row of the chronology in one form: Django's own request limits
(DATA_UPLOAD_MAX_NUMBER_FIELDS, DATA_UPLOAD_MAX_MEMORY_SIZE) are derived from these numbers, so
the feature's limit is the one a user meets, stated on the page, never a bare 400 from Django.
"""

# Rows a return's chronology may hold (typed, imported, or both).
CHRONOLOGY_MAX_ROWS = 2000
# Form fields each row posts: id, date, date precision, time, what happened, who, source,
# significance, key event.
CHRONOLOGY_FIELDS_PER_ROW = 9
# Everything else the edit form posts: CSRF token, version, action, the return's text fields,
# the formset's management fields, with room to spare.
RETURN_FORM_OTHER_FIELDS = 50
# Rows posted beyond the limit are still read back (and shown as typed, with the limit explained)
# up to this margin; past it Django itself refuses the request.
CHRONOLOGY_OVER_LIMIT_MARGIN = 500
# Typical long row: a few paragraphs of what happened and significance.
CHRONOLOGY_BYTES_PER_ROW = 4 * 1024


def data_upload_max_number_fields():
    rows = CHRONOLOGY_MAX_ROWS + CHRONOLOGY_OVER_LIMIT_MARGIN
    return rows * CHRONOLOGY_FIELDS_PER_ROW + RETURN_FORM_OTHER_FIELDS


def data_upload_max_memory_size():
    return (CHRONOLOGY_MAX_ROWS + CHRONOLOGY_OVER_LIMIT_MARGIN) * CHRONOLOGY_BYTES_PER_ROW
