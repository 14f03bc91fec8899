"""Feedback pages for students: hidden tests reduced to pass/fail, rendered as HTML."""

from __future__ import annotations

import copy

from nbformat import NotebookNode
from nbformat.v4 import new_output

from medimg_grade.restore import SourceNotebook


def feedback_notebook(nb: NotebookNode, source: SourceNotebook) -> NotebookNode:
    """Remove hidden tests from a graded notebook: keep only pass/fail and the message."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid not in source.hidden:
            continue
        cell.source = source.cells[gid].source
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        cell.outputs = []
        if errors:
            err = errors[0]
            message = f"{err.get('ename', 'Error')}: {err.get('evalue', '')}".rstrip(": ")
            cell.outputs.append(
                new_output("stream", name="stdout", text=f"Test failed. {message}\n")
            )
        else:
            cell.outputs.append(new_output("stream", name="stdout", text="Test passed.\n"))
    return nb


_EXPORTER = None


def render_feedback(nb: NotebookNode, resources: dict) -> str:
    """Render a graded notebook as nbgrader's feedback HTML (scores from the gradebook)."""
    global _EXPORTER
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.converters.generate_feedback import GenerateFeedback
    from nbgrader.preprocessors import GetGrades

    if _EXPORTER is None:
        from nbconvert.exporters import HTMLExporter

        # GenerateFeedback knows where nbgrader keeps its feedback template.
        config = GenerateFeedback().config
        _EXPORTER = HTMLExporter(config=config)
    nb, resources = GetGrades().preprocess(nb, resources)
    resources.setdefault("config_dir", "/nonexistent")  # no custom.css is ever inlined
    nb, resources = CSSHTMLHeaderPreprocessor().preprocess(nb, resources)
    html, _ = _EXPORTER.from_notebook_node(nb, resources=resources)
    return html
