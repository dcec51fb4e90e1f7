"""The template engine of the Word report: docxtpl's DocxTemplate in the sandboxed Jinja environment.

`environment()` is the sandboxed Jinja environment of sandbox.py (autoescape,
StrictUndefined), `open_template(path)` opens a .docx as a template (Chinese
InputError when it is not a Word document), `template_source(tpl)` is every XML
part docxtpl renders, one paragraph a line (lint.py reads it; error messages
quote the line of an error).

Speed: compiling a template (docxtpl's XML patching + Jinja code generation)
costs ~0.15–0.4 s, several times the rendering itself (~35 ms for the demo);
the compiled template is kept in memory, so rendering many reports in one
process (the Excel button, batch use) pays for it once. Module-level imports
are light: docxtpl, python-docx and Jinja2 are imported inside the functions
that need them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlreport.errors import NotFound, TemplateError

if TYPE_CHECKING:
    from xlreport.report.sandbox import TemplateEnvironment

__all__ = ["environment", "open_template", "template_source"]


def environment() -> TemplateEnvironment:
    """The sandboxed Jinja environment (one per process; it holds no per-report state)."""
    global _ENV
    if _ENV is None:
        from jinja2 import StrictUndefined

        from xlreport.report.sandbox import TemplateEnvironment

        class _Env(TemplateEnvironment):
            def from_string(self, source, globals=None, template_class=None):
                # Compiling the ~120 KB document XML costs most of a render: reuse it.
                if globals or template_class:
                    return super().from_string(source, globals, template_class)
                compiled = _COMPILED.get(source)
                if compiled is None:
                    compiled = self.template_class.from_code(self, self.compile(source),
                                                             self.make_globals(None), None)
                    _remember(_COMPILED, source, compiled)
                return compiled

        _ENV = _Env(autoescape=True, undefined=StrictUndefined)
    return _ENV


_ENV: TemplateEnvironment | None = None
_COMPILED: dict[str, Any] = {}
_PATCHED: dict[str, str] = {}
CACHE_SIZE = 32


def _remember(cache: dict, key: str, value: Any) -> None:
    if len(cache) >= CACHE_SIZE:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _patched_xml(tpl_cls_patch, src_xml: str) -> str:
    """docxtpl's patch_xml, memoised for the process."""
    patched = _PATCHED.get(src_xml)
    if patched is None:
        patched = tpl_cls_patch(src_xml)
        _remember(_PATCHED, src_xml, patched)
    return patched


def _template_class():
    """DocxTemplate that keeps user text verbatim.

    docxtpl turns `{_{` `}_}` `{_%` `%_}` into `{{` `}}` `{%` `%}` in the
    *rendered* XML, which would alter a user's text containing them. Here the
    template's own escapes are resolved in the template source instead, so
    rendered values are never rewritten.
    """
    from docxtpl import DocxTemplate

    class _Template(DocxTemplate):
        def patch_xml(self, src_xml):
            return _patched_xml(super().patch_xml, src_xml)

        def render_xml_part(self, src_xml, part, context, jinja_env=None):
            src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            for escape, literal in (("{_{", "{"), ("}_}", "}"), ("{_%", "{"), ("%_}", "%")):
                src_xml = src_xml.replace(escape, "{{ '" + literal + "' }}" + escape[2])
            self.current_rendering_part = part
            try:
                dst_xml = jinja_env.from_string(src_xml).render(context)
            except Exception as exc:
                setattr(exc, "xlreport_source", src_xml)  # one line per paragraph: the message quotes the line of the error
                raise
            dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
            return self.resolve_listing(dst_xml)

    return _Template


MAX_TEMPLATE_BYTES = 50 * 2**20  # the built-in template is ~30 KB; a letterhead picture adds a few MB


def open_template(path: Path):
    if not path.exists():
        raise NotFound(f"找不到模板“{path}”，请检查路径")
    if path.is_dir():
        raise TemplateError(f"模板“{path}”是一个文件夹，请给出 Word 模板文件（.docx）")
    from xlreport.io.files import regular_file

    regular_file(path, "Word 模板", MAX_TEMPLATE_BYTES)
    cls = _template_class()
    tpl = cls(str(path))
    try:
        tpl.init_docx()
    except Exception:  # zip, package or XML errors: not a Word document
        raise TemplateError(f"模板“{path.name}”不是有效的 Word 文档（.docx），请在 Word 或 WPS 中另存为 .docx 后再用") from None
    if tpl.docx is None or not hasattr(tpl.docx, "element"):
        raise TemplateError(f"模板“{path.name}”不是有效的 Word 文档（.docx）")
    return tpl


FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def template_source(tpl) -> str:
    """Every part docxtpl renders as XML: the body, headers, footers and footnotes."""
    from docx.oxml import parse_xml

    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, rel in tpl.docx.part.rels.items():
            if rel.reltype == uri and rel.target_part.blob:
                xml += tpl.patch_xml(tpl.xml_to_string(parse_xml(rel.target_part.blob)))
    for part in tpl.docx.part.package.parts:
        if part.content_type == FOOTNOTES and part.blob:
            blob = part.blob
            xml += tpl.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)
    # one line per paragraph, so that an error's line number points at its paragraph
    return xml.replace("</w:p>", "</w:p>\n")
