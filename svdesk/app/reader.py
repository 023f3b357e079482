"""The document reader's renderer, for the screens (issue 18 part 2).

The screens may import only the use-case layer (pyproject's import contracts), so the renderer of
the model is re-exported here as it is: reading a bid's PDF writes nothing and needs no acting person.
"""

from __future__ import annotations

from svdesk.model.citations import Citation, citation_token, citations, readable, reference_line
from svdesk.model.pdf_renderer import PdfRenderer, RenderedPage, SearchHit, TextBox

__all__ = [
    "Citation",
    "PdfRenderer",
    "RenderedPage",
    "SearchHit",
    "TextBox",
    "citation_token",
    "citations",
    "readable",
    "reference_line",
]
