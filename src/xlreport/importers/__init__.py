"""Extraction of published reports into a neutral `Document` (issue 12)."""

from .document import Cell, Document, Paragraph, Table

__all__ = ["Cell", "Document", "Paragraph", "Table"]
