"""The published seed report shapes the demo and the report, but none of its sentences may be copied
into the project: no run of ten consecutive words from it appears in any tracked text file.

The seed lives outside the repository (../shared/seed/*.txt from the repository root); without it
there is nothing to compare against and the test is skipped."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = ROOT.parent / "shared" / "seed"
RUN = 10
CHECKED_SUFFIXES = (".py", ".html", ".txt", ".md", ".css", ".json", ".csv")


def _words(text):
    return re.sub(r"\s+", " ", text).split()


def _loose(words):
    """The same words lower-cased without punctuation, so a copy with changed commas, quotes or capitals
    is still a copy."""
    return [w for w in (re.sub(r"[^\w]", "", word).lower() for word in words) if w]


def _runs(words):
    return {" ".join(words[i : i + RUN]) for i in range(len(words) - RUN + 1)}


def _tracked_text_files():
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout: the tracked files cannot be listed")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [ROOT / name for name in listed.stdout.split("\0") if name.endswith(CHECKED_SUFFIXES)]


def _file_words(path):
    # Python splits long strings over lines as adjacent literals ("... the" \n "next ..."); join them
    # so a sentence cut that way is read as the sentence it prints.
    text = re.sub(r'"\s*\n\s*"', "", path.read_text(errors="ignore"))
    return _words(text)


def copied_runs(seed_texts, files, *, root=ROOT):
    """{relative path: [copied ten-word runs]} for every file that shares a run with a seed text."""
    seed_words = [_words(text) for text in seed_texts]
    seed_runs = set().union(*(_runs(words) for words in seed_words))
    seed_runs |= set().union(*(_runs(_loose(words)) for words in seed_words))
    found = {}
    for path in files:
        if not path.is_file():
            continue  # deleted in the work tree but still in the index
        words = _file_words(path)
        hits = [run for run in sorted(_runs(words) | _runs(_loose(words))) if run in seed_runs]
        if hits:
            found[str(path.relative_to(root))] = hits
    return found


def test_the_check_finds_a_copied_sentence(tmp_path):
    """The checker itself: a sentence lifted whole is caught, across a line break and an adjacent-literal
    split, and so is one with only its capitals and punctuation changed; a nine-word run is not."""
    seed = "One two three four five six seven eight nine ten eleven twelve."
    copied = tmp_path / "copied.py"
    copied.write_text(
        'TEXT = (\n    "We wrote: One two three four five "\n    "six seven eight nine ten eleven, then stopped."\n)\n'
    )
    short = tmp_path / "short.md"
    short.write_text("We kept two three four five six seven eight nine ten only.\n")
    recased = tmp_path / "recased.html"
    recased.write_text("<p>Said: one, two, three four five six seven eight nine ten eleven</p>\n")
    found = copied_runs([seed], [copied, short, recased], root=tmp_path)
    assert set(found) == {"copied.py", "recased.html"}
    assert "One two three four five six seven eight nine ten" in found["copied.py"]
    assert "one two three four five six seven eight nine ten" in found["recased.html"]


def test_no_ten_word_run_of_the_seed_report_is_in_the_repository():
    seeds = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    if not seeds:
        pytest.skip(f"no seed report at {SEED_DIR}")
    found = copied_runs([path.read_text(errors="ignore") for path in seeds], _tracked_text_files())
    report = "\n".join(
        f"{name}: {len(runs)} runs, first: {runs[0]!r}" for name, runs in sorted(found.items())
    )
    assert not found, f"Sentences copied from the seed report:\n{report}"
