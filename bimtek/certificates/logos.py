"""A certificate's logos: only whole PNGs and self-contained SVGs that draw quickly."""
from __future__ import annotations

import io
import re
import secrets
import struct
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from flask_babel import gettext as _
from PIL import Image

from bimtek import audit
from bimtek.certificates import storage
from bimtek.certificates.models import CertificateSettings
from bimtek.certificates.settings import settings_for
from bimtek.courses.models import Course
from bimtek.errors import ValidationError
from bimtek.unit_of_work import flush_changes

MAX_LOGO_BYTES = 1024 * 1024
LOGO_FIELDS = ("logo", "partner_logo")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_ROOTS = ("svg", "{http://www.w3.org/2000/svg}svg")
# Inline raster images are what drawing programs embed; anything else would be fetched.
SVG_INLINE_IMAGES = ("data:image/png;", "data:image/jpeg;")


# A logo is printed a few centimetres wide; 4,000 pixels a side is poster size already,
# and a PNG declaring more is a small file that would unpack to gigabytes when drawn.
MAX_LOGO_SIDE = 4000
_PNG_HEADER = struct.Struct(">I4sII")  # the IHDR chunk: length, type, width, height
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk, always these 12 bytes
# Some programs write a little after IEND (padding, a signature); a cut file has no IEND.
_PNG_END_WITHIN = 4096
# SVG animation can set a link after the checks below have looked at the attributes.
SVG_ANIMATIONS = ("set", "animate")
SVG_ANIMATED_VALUES = ("to", "from", "by", "values")
# Every certificate of a batch draws the logo, and each <use> draws its target again: a
# <use> of a group of <use>s multiplies (four levels of ten took 3.5 s a preview). A real
# logo stays far within these, which keep any accepted logo's preview under a second.
MAX_SVG_ELEMENTS = 2000  # counting each element a <use> draws again
MAX_SVG_USES = 100
MAX_SVG_DEPTH = 40


def logo_format(data: bytes) -> str:
    """'png' or 'svg', judged by the content whatever the file's name says; a PNG must be
    whole and of a sane size, an SVG must hold no script and refer to nothing outside
    itself."""
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationError(_("The logo is larger than 1 MB."), field="file")
    if data.startswith(PNG_SIGNATURE):
        _check_png(data)
        return "png"
    _check_svg(data)
    return "svg"


def _check_png(data: bytes) -> None:
    damaged = ValidationError(_("The PNG logo is damaged or incomplete; save it again and "
                                "upload it again."), field="file")
    header = data[len(PNG_SIGNATURE):len(PNG_SIGNATURE) + _PNG_HEADER.size]
    if len(header) < _PNG_HEADER.size:
        raise damaged
    _length, kind, width, height = _PNG_HEADER.unpack(header)
    # A file cut short anywhere has lost its IEND. Checked here because Pillow, once
    # WeasyPrint is loaded, draws what it has of a truncated image without a word.
    if kind != b"IHDR" or not width or not height or _PNG_END not in data[-_PNG_END_WITHIN:]:
        raise damaged
    # Read from the header before any pixel is unpacked.
    if width > MAX_LOGO_SIDE or height > MAX_LOGO_SIDE:
        raise ValidationError(_("The logo is %(width)d × %(height)d pixels; it may be at most "
                                "%(limit)d pixels wide and high.", width=width,
                                height=height, limit=MAX_LOGO_SIDE), field="file")
    try:
        # verify() checks the checksums and load() reads the pixels: a file failing either
        # is better refused now than found in a batch of PDFs.
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.load()
    except Exception as error:  # a damaged image fails in many different ways
        raise damaged from error


def _local_name(name: str) -> str:
    return name.rpartition("}")[2].lower()


def _check_svg(data: bytes) -> None:
    not_an_image = ValidationError(_("The logo must be a PNG or SVG image."), field="file")
    refers_outside = ValidationError(_("An SVG logo may not refer to other files or "
                                       "addresses."), field="file")
    _check_svg_prolog(data, not_an_image, refers_outside)
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError) as error:
        raise not_an_image from error
    if root.tag not in SVG_ROOTS:
        raise not_an_image
    _check_svg_size(root)
    for element in root.iter():
        if _local_name(element.tag) in ("script", "foreignobject") or any(
                _local_name(name).startswith("on") for name in element.attrib):
            raise ValidationError(_("An SVG logo may not contain scripts."), field="file")
        references = [value for name, value in element.attrib.items()
                      if _local_name(name) == "href"]
        if _local_name(element.tag) in SVG_ANIMATIONS and element.get(
                "attributeName", "").rpartition(":")[2].lower() == "href":
            # `values` is a list, one link per step of the animation.
            references += [value.strip() for name in SVG_ANIMATED_VALUES
                           for value in (element.get(name) or "").split(";")
                           if value.strip()]
        # url() may sit in a style attribute, a <style> element or a presentation
        # attribute such as fill.
        css = " ".join([*element.attrib.values(),
                        element.text or "" if _local_name(element.tag) == "style" else ""])
        if any(not value.startswith("#") and not value.startswith(SVG_INLINE_IMAGES)
               for value in references) or re.search(r"url\(\s*['\"]?(?!#)|@import",
                                                     css, re.IGNORECASE):
            raise refers_outside


def _depth(root: ElementTree.Element) -> int:
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in element)
    return deepest


def _check_svg_size(root: ElementTree.Element) -> None:
    """Bounds what drawing the SVG costs: elements, <use> copies (never of a <use>), depth."""
    too_complex = ValidationError(
        _("The SVG logo is too complex to draw quickly: at most %(elements)d elements "
          "(counting what <use> repeats), %(uses)d <use> and %(depth)d levels, and no "
          "<use> of something that itself holds a <use>. Simplify it or save it as PNG.",
          elements=MAX_SVG_ELEMENTS, uses=MAX_SVG_USES, depth=MAX_SVG_DEPTH), field="file")
    elements = list(root.iter())
    uses = [element for element in elements if _local_name(element.tag) == "use"]
    if len(uses) > MAX_SVG_USES or _depth(root) > MAX_SVG_DEPTH:
        raise too_complex
    by_id = {element.get("id"): element for element in elements if element.get("id")}
    drawn = len(elements)
    for use in uses:
        link = next((value for name, value in use.attrib.items()
                     if _local_name(name) == "href"), "")
        target = by_id.get(link.strip().removeprefix("#"))
        if target is None:
            continue
        copied = list(target.iter())
        if any(_local_name(element.tag) == "use" for element in copied):
            raise too_complex
        drawn += len(copied)
    if drawn > MAX_SVG_ELEMENTS:
        raise too_complex


def _check_svg_prolog(data: bytes, not_an_image: ValidationError,
                      refers_outside: ValidationError) -> None:
    """Refuse what the parsed tree no longer shows: a DTD with declarations of its own
    (how entity attacks get in) and a linked style sheet. Expat reads the file in the
    encoding it declares, so this holds in every encoding it accepts: UTF-8, UTF-16,
    ISO-8859-1 and US-ASCII itself and, through Python's codecs, the one-byte encodings
    that keep ASCII as it is (windows-1252, ISO-8859-2, KOI8-R …). EBCDIC, multi-byte
    encodings (UTF-7, Shift JIS …), UTF-32 and unknown names it refuses. WeasyPrint reads
    SVG with the same parser (ElementTree), so it draws whatever passes, UTF-16 included."""
    def doctype(_name, _system_id, _public_id, has_internal_subset):
        # The DOCTYPE CorelDRAW and older Illustrator write names the SVG 1.1 DTD, which
        # nothing here fetches: expat reads no external DTD and WeasyPrint asks for none.
        if has_internal_subset:
            raise not_an_image

    def entity(*_declaration):
        raise not_an_image

    def instruction(target, _data):
        if target.lower() == "xml-stylesheet":
            raise refers_outside

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    try:
        parser.Parse(data, True)
    # ValueError: a multi-byte encoding; LookupError: a name Python does not know.
    except (expat.ExpatError, ValueError, LookupError) as error:
        raise not_an_image from error


def _check_logo_field(which: str) -> None:
    if which not in LOGO_FIELDS:
        raise ValueError(f"unknown logo {which!r}")


def save_logo(course: Course, which: str, data: bytes, *, by=None) -> CertificateSettings:
    """Store an uploaded logo under a random name, replacing (and deleting) the old one."""
    _check_logo_field(which)
    kind = logo_format(data)
    folder = storage.logo_folder(course)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(12)}.{kind}"
    (folder / name).write_bytes(data)
    return _replace_logo(course, which, name, "certificate.logo_uploaded", by)


def remove_logo(course: Course, which: str, *, by=None) -> CertificateSettings:
    _check_logo_field(which)
    return _replace_logo(course, which, "", "certificate.logo_removed", by)


def _replace_logo(course: Course, which: str, name: str, action: str, by
                  ) -> CertificateSettings:
    settings = settings_for(course)
    old = getattr(settings, which)
    setattr(settings, which, name)
    audit.record(action, course, actor=by, course_id=course.id, logo=which)
    flush_changes()
    # Deleted only once the new name is committed: a failed commit leaves a stray file,
    # never a certificate pointing at a missing one.
    if old:
        (storage.logo_folder(course) / old).unlink(missing_ok=True)
    return settings


def logo_path(course: Course, which: str) -> Path | None:
    _check_logo_field(which)
    name = getattr(settings_for(course), which)
    return storage.logo_folder(course) / name if name else None
