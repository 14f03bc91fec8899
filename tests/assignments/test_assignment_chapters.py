"""Each chapter's "Assignment" section and its problem set name the same tasks.

The rule, for every problem set ``psNN_...`` in ``solutions/``:

* at least one chapter of ``book/`` has a section ``## Assignment`` that links the set with
  ``{ref}`assignment-psNN```;
* those sections (together, when several chapters share a set) name every graded function of
  the set in backticks (`` `index_to_world` ``) and every part graded by a person by its title,
  the text of the notebook heading ``## Part X: <title> (N points, graded by a person)``;
* they name no other function in backticks: a bare name like `` `some_function` `` that is not a
  graded function of the linked sets is a promise the set does not keep (names of dtypes and
  builtins, such as `` `uint8` `` or `` `float` ``, are not functions here).
"""

from __future__ import annotations

import builtins
import json
import re

import numpy as np
import pytest
from assignment_course import ROOT, assignment_names, structure

BOOK = ROOT / "book"
MANUAL_HEADING = re.compile(r"^## Part [A-Z]: (.+?) \(\d+ points?, graded by a person\)\s*$", re.M)
SECTION = re.compile(r"^## Assignment\s*$(.*?)(?=^#{1,2} |\Z)", re.M | re.S)
LINK = re.compile(r"\{ref\}`assignment-(ps\d\d)`")
BARE_NAME = re.compile(r"`([a-z_][a-z0-9_]*)`")


def assignment_sections() -> dict[str, list[tuple[str, str]]]:
    """Set number (``"ps03"``) -> [(chapter file name, Assignment section text), ...]."""
    sections: dict[str, list[tuple[str, str]]] = {}
    for chapter in sorted(BOOK.glob("[0-9][0-9]_*.md")):
        for text in SECTION.findall(chapter.read_text(encoding="utf-8")):
            for number in set(LINK.findall(text)):
                sections.setdefault(number, []).append((chapter.name, text))
    return sections


def manual_titles(assignment: str) -> list[str]:
    """Titles of the parts graded by a person, from the notebook's part headings."""
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    return MANUAL_HEADING.findall(text)


def _is_type_name(name: str) -> bool:
    return hasattr(builtins, name) or name in np.sctypeDict


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).lower().split())


ASSIGNMENTS = assignment_names()
SECTIONS = assignment_sections()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_chapter_links_the_set_from_its_assignment_section(assignment):
    assert assignment[:4] in SECTIONS, (
        f"no chapter's '## Assignment' section links {{ref}}`assignment-{assignment[:4]}`"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_chapter_names_every_graded_function(assignment):
    text = "\n".join(t for _, t in SECTIONS.get(assignment[:4], []))
    named = set(BARE_NAME.findall(text))
    missing = [f for f in structure(assignment).solutions if f not in named]
    assert not missing, (
        f"the Assignment section(s) linking {assignment} do not name the graded function(s) "
        f"{missing} in backticks"
    )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_chapter_names_every_part_graded_by_a_person(assignment):
    titles = manual_titles(assignment)
    assert titles, (
        f"{assignment} has no part headed '## Part X: <title> (N points, graded by a person)'"
    )
    text = _normalise("\n".join(t for _, t in SECTIONS.get(assignment[:4], [])))
    missing = [title for title in titles if _normalise(title) not in text]
    assert not missing, (
        f"the Assignment section(s) linking {assignment} do not mention the part(s) graded by a "
        f"person {missing} by their title"
    )


@pytest.mark.parametrize("number", sorted(SECTIONS))
def test_the_chapter_promises_no_function_the_set_lacks(number):
    linked = {n for _, text in SECTIONS[number] for n in LINK.findall(text)}
    functions = {f for a in ASSIGNMENTS if a[:4] in linked for f in structure(a).solutions}
    extra = {
        (chapter, name)
        for chapter, text in SECTIONS[number]
        for name in BARE_NAME.findall(text)
        if name not in functions and not _is_type_name(name)
    }
    assert not extra, (
        f"Assignment sections linking {sorted(linked)} name functions that no linked set grades: "
        f"{sorted(extra)}"
    )


def test_every_linked_set_exists():
    existing = {a[:4] for a in ASSIGNMENTS}
    assert set(SECTIONS) <= existing, (
        f"chapters link problem sets that do not exist: {sorted(set(SECTIONS) - existing)}"
    )
