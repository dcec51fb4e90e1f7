"""Build an Excel ``vbaProject.bin`` from VBA text sources ([MS-OVBA]).

It is over 500 lines because it follows [MS-OVBA] record by record, in the specification's order.

The VBA storage written here contains only what MS-OVBA requires a writer to
produce; there is no compiled code (p-code) and no performance cache, so Office
compiles the project from source when it opens it:

    PROJECT            text, MS-OVBA 2.3.1 (module list, name, protection)
    PROJECTwm          module names MBCS + UTF-16, MS-OVBA 2.3.3
    VBA/_VBA_PROJECT   7 bytes, MS-OVBA 2.3.4.1 (Version 0xFFFF = "no cache")
    VBA/dir            compressed records, MS-OVBA 2.3.4.2
    VBA/<module>       compressed source text, MS-OVBA 2.3.4.3 (MODULEOFFSET 0)

The container is written by :func:`xlreport.workbook.vba.cfb.write_cfb` ([MS-CFB]).
Everything is deterministic: the same modules always give the same bytes.

"""

from __future__ import annotations

import hashlib
import re
import struct
import uuid
from dataclasses import dataclass
from typing import Iterable, Sequence

from xlreport.workbook.vba.cfb import write_cfb
from xlreport.workbook.vba.compression import compress, decompress

__all__ = [
    "VbaModule",
    "Reference",
    "DEFAULT_REFERENCES",
    "build_vba_project",
    "module_from_file_text",
    "default_document_modules",
    "project_streams",
    "parse_dir_records",
    "encrypt_data",
    "decrypt_data",
    "stored_module_source",
]

CODEPAGE = 1252  # Windows Western; sources are restricted to ASCII anyway
LCID_EN_US = 0x0409
SYSKIND_WIN64 = 0x00000003  # MS-OVBA 2.3.4.2.1.1: 0 Win16, 1 Win32, 2 Mac, 3 Win64

KINDS = ("standard", "class", "document")

# Class ids used in the VB_Base attribute (as Excel writes them).
_BASE_WORKBOOK = '"0{00020819-0000-0000-C000-000000000046}"'  # Excel Workbook
_BASE_WORKSHEET = '"0{00020820-0000-0000-C000-000000000046}"'  # Excel Worksheet
_BASE_CLASS = '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'  # VBA class module

# The module-level attributes Excel stores after VB_Name, in Excel's order.
_DOCUMENT_ATTRIBUTES = (
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "True"),
    ("VB_Exposed", "True"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "True"),
)
_CLASS_ATTRIBUTES = (
    ("VB_GlobalNameSpace", "False"),
    ("VB_Creatable", "False"),
    ("VB_PredeclaredId", "False"),
    ("VB_Exposed", "False"),
    ("VB_TemplateDerived", "False"),
    ("VB_Customizable", "False"),
)

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}\Z")  # VBA identifier, <= 31 chars
_HEADER_ATTRIBUTE = re.compile(r"Attribute\s+(VB_\w+)\s*=\s*(.*?)\s*\Z", re.IGNORECASE)


def _require_ascii(what: str, text: str) -> None:
    """Sources and names are stored with code page 1252; we only accept ASCII
    so that the MBCS and UTF-16 copies of every name are trivially the same."""
    try:
        text.encode("ascii")
    except UnicodeEncodeError as exc:
        bad = text[exc.start]
        line = text.count("\n", 0, exc.start) + 1
        raise ValueError(
            f"{what} contains the non-ASCII character {bad!r} (U+{ord(bad):04X}) on line {line}; "
            "VBA sources must be ASCII only (use ChrW() for other characters)"
        ) from None


@dataclass(frozen=True)
class VbaModule:
    """One VBA module given as text.

    name:   module name (a VBA identifier, e.g. "xlreport", "ThisWorkbook", "Sheet1")
    kind:   "standard" (.bas), "class" (.cls) or "document" (ThisWorkbook / sheet code names)
    source: the code WITHOUT the ``Attribute VB_...`` header lines; the header
            is generated.  ``\\n`` or ``\\r\\n`` line endings are accepted.
    attributes: optional header attributes overriding the defaults for the
            kind or appended after them, e.g. ``(("VB_Exposed", "True"),)`` or
            ``(("VB_Description", '"text"'),)``; values are VBA literals.
    """

    name: str
    kind: str
    source: str
    attributes: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"module kind must be one of {KINDS}, not {self.kind!r}")
        if not isinstance(self.name, str) or not _IDENTIFIER.match(self.name):
            raise ValueError(
                f"module name {self.name!r} is not a VBA identifier "
                "(a letter, then letters/digits/underscores, at most 31 characters)"
            )
        _require_ascii(f"module {self.name!r}", self.source)
        for key, value in self.attributes:
            _require_ascii(f"attribute {key} of module {self.name!r}", f"{key}{value}")
            if not re.fullmatch(r"VB_\w+", key):
                raise ValueError(f"attribute name {key!r} must look like VB_Something")
            if key.lower() == "vb_name":
                raise ValueError("VB_Name is generated from VbaModule.name; do not pass it")
        first = self.source.lstrip("\r\n").split("\n", 1)[0]
        if _HEADER_ATTRIBUTE.match(first.strip()) or first.startswith("VERSION "):
            raise ValueError(
                f"source of module {self.name!r} starts with an exported-file header "
                f"({first.strip()!r}); pass the code without it or use module_from_file_text()"
            )

    # -- derived values -------------------------------------------------------

    def header_attributes(self) -> list[tuple[str, str]]:
        """The ``Attribute`` lines Excel stores at the top of the module."""
        header: list[tuple[str, str]] = [("VB_Name", f'"{self.name}"')]
        if self.kind == "document":
            base = _BASE_WORKBOOK if self.name.lower() == "thisworkbook" else _BASE_WORKSHEET
            header += [("VB_Base", base), *_DOCUMENT_ATTRIBUTES]
        elif self.kind == "class":
            header += [("VB_Base", _BASE_CLASS), *_CLASS_ATTRIBUTES]
        for key, value in self.attributes:
            for i, (existing, _) in enumerate(header):
                if existing.lower() == key.lower():
                    header[i] = (existing, value)
                    break
            else:
                header.append((key, value))
        return header

    def docstring(self) -> str:
        """MODULEDOCSTRING: the VB_Description attribute, if any.

        In the attribute line the VBA editor writes line breaks of the
        description as the two characters ``\\r`` / ``\\n``; the dir record
        holds the real CR / LF (checked against Excel's own file for
        Dictionary.cls)."""
        for key, value in self.attributes:
            if key.lower() == "vb_description":
                value = value.strip()
                if len(value) >= 2 and value[0] == value[-1] == '"':
                    value = value[1:-1].replace('""', '"')
                return value.replace("\\r", "\r").replace("\\n", "\n")
        return ""


def stored_module_source(module: VbaModule) -> str:
    """The full text stored in the module stream: header + body, CRLF lines."""
    lines = [f"Attribute {key} = {value}" for key, value in module.header_attributes()]
    body = module.source.replace("\r\n", "\n").replace("\r", "\n")
    text = "\r\n".join(lines) + "\r\n" + body.replace("\n", "\r\n")
    if not text.endswith("\r\n"):
        text += "\r\n"
    return text


def module_from_file_text(name: str | None, kind: str, text: str) -> VbaModule:
    """Make a VbaModule from an exported .bas/.cls file's text.

    Strips the exported-file header: a ``VERSION 1.0 CLASS`` line, the
    ``BEGIN ... END`` block that follows it, and the module-level
    ``Attribute VB_...`` lines right after that.  The values of those
    attributes (other than VB_Name) are kept as overrides, so e.g. a class
    exported with ``VB_Exposed = True`` keeps it, and ``VB_Description``
    survives.  Attribute lines further down (``Attribute Item.VB_UserMemId``
    inside procedures) are part of the code and are left alone.

    If `name` is None the file's VB_Name is used; if both are given they must
    agree.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    i = 0
    if lines and lines[0].strip().upper().startswith("VERSION "):
        if kind == "standard":
            raise ValueError("a VERSION ... CLASS header belongs to a class module, not a standard one")
        i = 1
        if i < len(lines) and lines[i].strip().upper() == "BEGIN":
            depth = 0
            while i < len(lines):
                word = lines[i].strip().upper()
                if word == "BEGIN" or word.startswith("BEGIN "):
                    depth += 1
                elif word == "END":
                    depth -= 1
                    if depth == 0:
                        i += 1
                        break
                i += 1
            else:
                raise ValueError("unterminated BEGIN ... END block in the exported module header")
    file_name = None
    attributes: list[tuple[str, str]] = []
    while i < len(lines):
        match = _HEADER_ATTRIBUTE.match(lines[i].strip())
        if not match:
            break
        key, value = match.group(1), match.group(2)
        if key.lower() == "vb_name":
            file_name = value.strip('"')
        elif key.lower() != "vb_base":  # VB_Base is derived from the kind
            attributes.append((key, value))
        i += 1
    if name is None:
        if file_name is None:
            raise ValueError("no module name given and the text has no Attribute VB_Name line")
        name = file_name
    elif file_name is not None and file_name != name:
        raise ValueError(f"module name {name!r} differs from the file's VB_Name {file_name!r}")
    return VbaModule(name=name, kind=kind, source="\n".join(lines[i:]), attributes=tuple(attributes))


def default_document_modules(sheet_count: int) -> list[VbaModule]:
    """Empty document modules for ThisWorkbook and Sheet1..SheetN, the code
    names XlsxWriter uses (workbook.set_vba_name() / worksheet.set_vba_name())."""
    return [VbaModule("ThisWorkbook", "document", "")] + [
        VbaModule(f"Sheet{n}", "document", "") for n in range(1, sheet_count + 1)
    ]


# ---------------------------------------------------------------------------
# References (MS-OVBA 2.3.4.2.2)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A REFERENCEREGISTERED (MS-OVBA 2.3.4.2.2.5) to a registered type library."""

    name: str
    libid: str  # MS-OVBA 2.1.1.8 LibidReference: *\G{guid}#major.minor#lcid#path#description


# The two references a new Excel workbook's project has (VBA and Excel
# themselves are built in and never stored); libids as Excel 2016+ writes them.
DEFAULT_REFERENCES: tuple[Reference, ...] = (
    Reference(
        "stdole",
        r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation",
    ),
    Reference(
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
        r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)


# ---------------------------------------------------------------------------
# dir stream (MS-OVBA 2.3.4.2)
# ---------------------------------------------------------------------------


def _record(record_id: int, payload: bytes = b"") -> bytes:
    """The common record shape: Id (2 bytes), Size (4 bytes), payload."""
    return struct.pack("<HI", record_id, len(payload)) + payload


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _mbcs(text: str) -> bytes:
    return text.encode("cp1252")


def _utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def _dir_stream(
    project_name: str,
    modules: Sequence[VbaModule],
    references: Sequence[Reference],
    syskind: int,
    compat_version: int | None,
    version: tuple[int, int],
) -> bytes:
    out = bytearray()
    # -- MS-OVBA 2.3.4.2.1 PROJECTINFORMATION ---------------------------------
    out += _record(0x0001, _u32(syskind))  # 2.3.4.2.1.1 PROJECTSYSKIND
    if compat_version is not None:
        out += _record(0x004A, _u32(compat_version))  # 2.3.4.2.1.2 PROJECTCOMPATVERSION (optional)
    out += _record(0x0002, _u32(LCID_EN_US))  # 2.3.4.2.1.3 PROJECTLCID
    out += _record(0x0014, _u32(LCID_EN_US))  # 2.3.4.2.1.4 PROJECTLCIDINVOKE
    out += _record(0x0003, _u16(CODEPAGE))  # 2.3.4.2.1.5 PROJECTCODEPAGE
    out += _record(0x0004, _mbcs(project_name))  # 2.3.4.2.1.6 PROJECTNAME
    # 2.3.4.2.1.7 PROJECTDOCSTRING: MBCS copy, Reserved 0x0040, UTF-16 copy
    out += _record(0x0005, b"") + _record(0x0040, b"")
    # 2.3.4.2.1.8 PROJECTHELPFILEPATH: HelpFile1, Reserved 0x003D, HelpFile2
    out += _record(0x0006, b"") + _record(0x003D, b"")
    out += _record(0x0007, _u32(0))  # 2.3.4.2.1.9 PROJECTHELPCONTEXT
    out += _record(0x0008, _u32(0))  # 2.3.4.2.1.10 PROJECTLIBFLAGS
    # 2.3.4.2.1.11 PROJECTVERSION: Id, Reserved (4, always 4), VersionMajor (4), VersionMinor (2)
    out += struct.pack("<HIIH", 0x0009, 4, version[0], version[1])
    # 2.3.4.2.1.12 PROJECTCONSTANTS: MBCS copy, Reserved 0x003C, UTF-16 copy
    out += _record(0x000C, b"") + _record(0x003C, b"")

    # -- MS-OVBA 2.3.4.2.2 PROJECTREFERENCES ----------------------------------
    for ref in references:
        # 2.3.4.2.2.2 REFERENCENAME: Name, Reserved 0x003E, NameUnicode
        out += _record(0x0016, _mbcs(ref.name)) + _record(0x003E, _utf16(ref.name))
        # 2.3.4.2.2.5 REFERENCEREGISTERED: Size covers SizeOfLibid, Libid,
        # Reserved1 (4 bytes, 0) and Reserved2 (2 bytes, 0).
        libid = _mbcs(ref.libid)
        out += _record(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))

    # -- MS-OVBA 2.3.4.2.3 PROJECTMODULES -------------------------------------
    out += _record(0x000F, _u16(len(modules)))  # Count
    out += _record(0x0013, _u16(0xFFFF))  # 2.3.4.2.3.1 PROJECTCOOKIE: 0xFFFF on write
    for module in modules:
        name = module.name
        docstring = module.docstring()
        out += _record(0x0019, _mbcs(name))  # 2.3.4.2.3.2.1 MODULENAME
        out += _record(0x0047, _utf16(name))  # 2.3.4.2.3.2.2 MODULENAMEUNICODE
        # 2.3.4.2.3.2.3 MODULESTREAMNAME: StreamName, Reserved 0x0032, StreamNameUnicode
        out += _record(0x001A, _mbcs(name)) + _record(0x0032, _utf16(name))
        # 2.3.4.2.3.2.4 MODULEDOCSTRING: DocString, Reserved 0x0048, DocStringUnicode
        out += _record(0x001C, _mbcs(docstring)) + _record(0x0048, _utf16(docstring))
        out += _record(0x0031, _u32(0))  # 2.3.4.2.3.2.5 MODULEOFFSET: source starts at 0 (no p-code)
        out += _record(0x001E, _u32(0))  # 2.3.4.2.3.2.6 MODULEHELPCONTEXT
        out += _record(0x002C, _u16(0xFFFF))  # 2.3.4.2.3.2.7 MODULECOOKIE: 0xFFFF on write
        # 2.3.4.2.3.2.8 MODULETYPE: Id 0x0021 procedural / 0x0022 document, class
        # or designer module, followed by Reserved (4 bytes, 0) -- same shape as
        # an empty record.
        out += _record(0x0021 if module.kind == "standard" else 0x0022)
        out += _record(0x002B)  # 2.3.4.2.3.2 MODULE Terminator 0x002B + Reserved 0
    out += _record(0x0010)  # 2.3.4.2 dir Stream Terminator 0x0010 + Reserved 0
    return bytes(out)


def parse_dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """Split a *decompressed* dir stream into (record id, payload) pairs.

    Nearly every structure in the dir stream is Id (2 bytes) + a 4-byte size
    + payload; the Reserved ids inside records (0x0040, 0x003D, 0x003C,
    0x003E, 0x0032, 0x0048) and the Reserved fields of MODULETYPE and the
    terminators fit that shape too, so they come out as their own entries.
    The one exception is PROJECTVERSION (0x0009), whose 4-byte field is a
    constant 4 followed by 6 bytes of payload.
    """
    records = []
    pos = 0
    while pos < len(data):
        if pos + 6 > len(data):
            raise ValueError(f"truncated dir record at offset {pos}")
        record_id, size = struct.unpack_from("<HI", data, pos)
        pos += 6
        if record_id == 0x0009:
            size = 6
        payload = data[pos : pos + size]
        if len(payload) != size:
            raise ValueError(f"dir record {record_id:#06x} at offset {pos - 6} runs past the end")
        records.append((record_id, bytes(payload)))
        pos += size
    return records


# ---------------------------------------------------------------------------
# PROJECT stream (MS-OVBA 2.3.1) and its obfuscated values (MS-OVBA 2.4.3)
# ---------------------------------------------------------------------------


def encrypt_data(project_id: str, data: bytes, seed: int, ignored: bytes = b"") -> str:
    """MS-OVBA 2.4.3.2 Data Encryption; returns the hex text for the PROJECT stream.

    `project_id` is the ProjectCLSID text "{...}" (its bytes are summed into
    ProjKey).  The spec lets the Seed and the IgnoredEnc bytes be arbitrary;
    they are parameters here so the output is deterministic.
    """
    if not 0 <= seed <= 0xFF:
        raise ValueError("seed must be a byte")
    ignored_length = (seed & 6) // 2
    ignored = (ignored + bytes(3))[:ignored_length]
    version = 2
    project_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ version
    project_key_enc = seed ^ project_key
    out = bytearray([seed, version_enc, project_key_enc])
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    for byte in ignored + struct.pack("<I", len(data)) + bytes(data):
        byte_enc = byte ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        out.append(byte_enc)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    return out.hex().upper()


def decrypt_data(hex_text: str) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3 Decryption; returns (ProjKey, Data)."""
    raw = bytes.fromhex(hex_text)
    seed, version_enc, project_key_enc = raw[0], raw[1], raw[2]
    if seed ^ version_enc != 2:
        raise ValueError("unsupported encryption version")
    project_key = seed ^ project_key_enc
    unencrypted_1, encrypted_1, encrypted_2 = project_key, project_key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((encrypted_2 + unencrypted_1) & 0xFF)
        plain.append(byte)
        encrypted_2, encrypted_1, unencrypted_1 = encrypted_1, byte_enc, byte
    ignored_length = (seed & 6) // 2
    (length,) = struct.unpack_from("<I", plain, ignored_length)
    data = bytes(plain[ignored_length + 4 :])
    if len(data) != length:
        raise ValueError("encrypted data length does not match")
    return project_key, data


def _project_stream(project_name: str, project_id: str, modules: Sequence[VbaModule]) -> bytes:
    lines = [f'ID="{project_id}"']  # 2.3.1.2 ProjectId
    for module in modules:  # 2.3.1.3 ProjectModule
        if module.kind == "document":
            lines.append(f"Document={module.name}/&H00000000")  # 2.3.1.4 ProjectDocModule
        elif module.kind == "standard":
            lines.append(f"Module={module.name}")  # 2.3.1.5 ProjectStdModule
        else:
            lines.append(f"Class={module.name}")  # 2.3.1.6 ProjectClassModule
    lines += [
        f'Name="{project_name}"',  # 2.3.1.11 ProjectName
        'HelpContextID="0"',  # 2.3.1.12 ProjectHelpId
        'VersionCompatible32="393222000"',  # 2.3.1.14 ProjectVersionCompat32
        # 2.3.1.15 ProjectProtectionState: 4 bytes, no protection bits set
        f'CMG="{encrypt_data(project_id, bytes(4), seed=0x45)}"',
        # 2.3.1.16 ProjectPassword: no password -> one 0x00 byte
        f'DPB="{encrypt_data(project_id, bytes(1), seed=0x47, ignored=b"AB")}"',
        # 2.3.1.17 ProjectVisibilityState: 0xFF = visible
        f'GC="{encrypt_data(project_id, bytes([0xFF]), seed=0x49)}"',
        "",
        # 2.3.1.18 HostExtenders: the single standard VBE extender
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        # 2.3.1.21 ProjectWorkspace: editor window state, all windows closed
        "[Workspace]",
    ]
    lines += [f"{module.name}=0, 0, 0, 0, C" for module in modules]
    return _mbcs("\r\n".join(lines) + "\r\n")


def _projectwm_stream(modules: Sequence[VbaModule]) -> bytes:
    """MS-OVBA 2.3.3 PROJECTwm: per module its MBCS name + NUL and its UTF-16
    name + NUL (2 bytes), then a 2-byte 0x0000 terminator."""
    out = bytearray()
    for module in modules:
        out += _mbcs(module.name) + b"\x00" + _utf16(module.name) + b"\x00\x00"
    return bytes(out + b"\x00\x00")


# ---------------------------------------------------------------------------
# The whole project
# ---------------------------------------------------------------------------


def _ordered_modules(modules: Iterable[VbaModule]) -> list[VbaModule]:
    """Document modules first (ThisWorkbook before the sheets), then the
    standard and class modules, each group in the caller's order."""
    modules = list(modules)
    seen: set[str] = set()
    for module in modules:
        if not isinstance(module, VbaModule):
            raise TypeError(f"expected VbaModule, got {type(module).__name__}")
        key = module.name.lower()
        if key in seen:
            raise ValueError(f"duplicate module name {module.name!r} (names are case-insensitive)")
        seen.add(key)
        if key == "dir":
            raise ValueError("a module cannot be named 'dir': that is the name of the VBA/dir stream")
    documents = [m for m in modules if m.kind == "document"]
    if not any(m.name.lower() == "thisworkbook" for m in documents):
        raise ValueError("the project needs a document module named ThisWorkbook")
    documents.sort(key=lambda m: m.name.lower() != "thisworkbook")  # stable sort
    return documents + [m for m in modules if m.kind != "document"]


def _project_guid(project_name: str, modules: Sequence[VbaModule]) -> str:
    """A stable ProjectCLSID derived from the project's content."""
    digest = hashlib.sha256()
    digest.update(project_name.encode("ascii"))
    for module in modules:
        digest.update(b"\x00" + module.kind.encode() + b"\x00" + module.name.encode())
        digest.update(b"\x00" + module.source.encode("ascii"))
    return "{" + str(uuid.UUID(bytes=digest.digest()[:16], version=4)).upper() + "}"


def project_streams(
    modules: Sequence[VbaModule],
    project_name: str = "VBAProject",
    *,
    references: Sequence[Reference] = DEFAULT_REFERENCES,
    syskind: int = SYSKIND_WIN64,
    compat_version: int | None = None,
    version: tuple[int, int] = (1, 0),
    project_id: str | None = None,
) -> dict[str, bytes]:
    """All streams of the VBA project storage, keyed by CFB path."""
    if not isinstance(project_name, str) or not _IDENTIFIER.match(project_name):
        raise ValueError(f"project name {project_name!r} is not a VBA identifier")
    ordered = _ordered_modules(modules)
    if project_id is None:
        project_id = _project_guid(project_name, ordered)
    elif not re.fullmatch(r"\{[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}\}", project_id):
        raise ValueError("project_id must be an upper-case GUID in braces, e.g. {0C2B3E4A-1D5F-4A6B-8C7D-9E0F1A2B3C4D}")

    streams = {
        "PROJECT": _project_stream(project_name, project_id, ordered),
        "PROJECTwm": _projectwm_stream(ordered),
        # MS-OVBA 2.3.4.1: Reserved1 0x61CC, Version 0xFFFF (no usable
        # performance cache: recompile from source), Reserved2 0x00,
        # Reserved3 0x0001 (undefined/ignored; the value in the spec's 3.1.1
        # example and in Excel's own files), no PerformanceCache.
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001),
        "VBA/dir": compress(
            _dir_stream(project_name, ordered, references, syskind, compat_version, version)
        ),
    }
    for module in ordered:
        text = _mbcs(stored_module_source(module))
        packed = compress(text)
        # Cheap self-check: a module whose source did not survive would be
        # silently dropped by Office.
        if decompress(packed) != text:  # pragma: no cover - compress/decompress are tested
            raise AssertionError(f"compression round trip failed for module {module.name}")
        streams[f"VBA/{module.name}"] = packed  # MS-OVBA 2.3.4.3 Module Stream, MODULEOFFSET 0
    return streams


def build_vba_project(modules: Sequence[VbaModule], project_name: str = "VBAProject", **options) -> bytes:
    """Build a complete vbaProject.bin (a CFB file) from VBA text modules.

    `modules` must contain a document module "ThisWorkbook" and one document
    module per worksheet code name (Sheet1, Sheet2, ...); document modules are
    written first.  Keyword options are passed to :func:`project_streams`.
    """
    return write_cfb(project_streams(modules, project_name, **options))
