"""Checks on evidence files before they are stored (OWASP ASVS 5.2.1-5.2.2).

A file is accepted only when its extension is on the allowed list, its size is under
RECOMMENDATION_EVIDENCE_MAX_BYTES, and its content is what the extension says (magic bytes, and for
Office files the part that makes a zip a Word document or a workbook). The uploader's file name is
kept only as a label; the stored name is chosen by the server.
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat


@dataclass(frozen=True)
class EvidenceType:
    label: str
    content_type: str


EVIDENCE_TYPES = {
    "pdf": EvidenceType("PDF", "application/pdf"),
    "docx": EvidenceType(
        "Word document (.docx)", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    "xlsx": EvidenceType(
        "Excel workbook (.xlsx)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "png": EvidenceType("PNG image", "image/png"),
    "jpg": EvidenceType("JPEG image", "image/jpeg"),
    "jpeg": EvidenceType("JPEG image", "image/jpeg"),
    "txt": EvidenceType("plain text", "text/plain; charset=utf-8"),
    "csv": EvidenceType("CSV", "text/csv; charset=utf-8"),
}

ALLOWED_DESCRIPTION = "PDF, Word (.docx), Excel (.xlsx), PNG, JPEG, plain text (.txt) or CSV"

# An Office file is a zip; more entries than this is not a document someone wrote.
MAX_ZIP_ENTRIES = 2000
_BINARY_MAGIC = (
    b"%PDF-",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"PK\x03\x04",
    b"MZ",
    b"\x7fELF",
    b"GIF8",
    b"\xd0\xcf\x11\xe0",
)


def extension_of(name):
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _sha256(uploaded):
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def _office_part_present(uploaded, required_part):
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        uploaded.seek(0)
    return len(names) <= MAX_ZIP_ENTRIES and required_part in names and "[Content_Types].xml" in names


def _text_is_plain(head):
    if b"\x00" in head or head.startswith(_BINARY_MAGIC):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def _content_matches(extension, uploaded, head):
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "docx":
        return head.startswith(b"PK\x03\x04") and _office_part_present(uploaded, "word/document.xml")
    if extension == "xlsx":
        return head.startswith(b"PK\x03\x04") and _office_part_present(uploaded, "xl/workbook.xml")
    if extension in ("txt", "csv"):
        return _text_is_plain(head)
    return False


def evidence_check(uploaded):
    """Raise ValidationError with a message a person can act on, or return (extension, sha256)."""
    name = uploaded.name or "the file"
    extension = extension_of(name)
    if extension not in EVIDENCE_TYPES:
        raise ValidationError(
            f"“{name}” is not a type of file we accept. Attach a {ALLOWED_DESCRIPTION} file.",
            code="type",
        )
    limit = settings.RECOMMENDATION_EVIDENCE_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            f"“{name}” is {filesizeformat(uploaded.size)}; files must be {filesizeformat(limit)} or smaller.",
            code="size",
        )
    if uploaded.size == 0:
        raise ValidationError(f"“{name}” is empty.", code="empty")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    if not _content_matches(extension, uploaded, head):
        raise ValidationError(
            f"“{name}” does not contain what its name says: its content is not a "
            f"{EVIDENCE_TYPES[extension].label} file. Save it again in that format, or rename it to "
            "match what it is.",
            code="content",
        )
    return extension, _sha256(uploaded)
