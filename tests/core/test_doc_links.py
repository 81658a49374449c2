"""The README and docs/ are read on GitHub and in an editor: every relative link in them must lead
to a file (or folder) in the repository, and every #anchor to a heading of the file it names."""

import re
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[2]
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")


def _documents():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]


def _links(markdown):
    text = CODE_SPAN.sub("", FENCE.sub("", markdown))
    return LINK.findall(text)


def _anchors(markdown):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", FENCE.sub("", markdown), re.M)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


def broken_links(documents, *, root=ROOT):
    broken = []
    for doc in documents:
        for target in _links(doc.read_text()):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                continue  # http:, https:, mailto: — not a file in the repository
            path_part, _, anchor = target.partition("#")
            resolved = (doc.parent / unquote(path_part)).resolve() if path_part else doc
            where = f"{doc.relative_to(root)} -> {target}"
            if not resolved.is_relative_to(root) or not resolved.exists():
                broken.append(f"{where}: no such file in the repository")
            elif anchor and resolved.suffix == ".md" and anchor not in _anchors(resolved.read_text()):
                broken.append(f"{where}: no heading #{anchor}")
    return broken


def test_every_relative_link_in_the_readme_and_docs_resolves():
    documents = _documents()
    assert (ROOT / "docs" / "README.md") in documents
    assert not broken_links(documents), "\n".join(broken_links(documents))


def test_the_link_check_catches_a_missing_file_an_outside_file_and_a_bad_anchor(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\n## Worker and beat\n")
    index = tmp_path / "README.md"
    index.write_text(
        "[ok](docs/a.md) [anchor](docs/a.md#worker-and-beat) [web](https://example.org/x)\n"
        "`[in code](docs/none.md)`\n\n```\n[fenced](docs/none.md)\n```\n"
        "[missing](docs/none.md) [outside](../elsewhere.md) [bad anchor](docs/a.md#nowhere)\n"
    )
    found = broken_links([index], root=tmp_path)
    assert [line.split(" -> ")[1].split(":")[0] for line in found] == [
        "docs/none.md",
        "../elsewhere.md",
        "docs/a.md#nowhere",
    ]
