#!/usr/bin/env python3
"""Hand-made fixtures for the format readers, written with the standard library only.

Called by make-format-fixtures.sh as: make-special-fixtures.py FIXTURE_DIR PLAIN_HTML

- source.html: pandoc's page wrapped in the furniture of a real site (menus, cookie banner,
  skip link, breadcrumbs, footer, scripts) that the reader must leave out.
- features.docx / features.odt: tracked changes, footnotes, headers and footers, custom heading
  styles, lists, tables, tabs and breaks; no word processor writes these exactly on demand.
- bad/: a zip bomb named .docx, a .docx that is not a zip, a truncated PDF and a PDF with no
  text layer (an image only, as a scanner makes).
"""

import os
import sys
import zipfile

DIR = sys.argv[1]
PLAIN_HTML = sys.argv[2]
BAD = os.path.join(DIR, "bad")
os.makedirs(BAD, exist_ok=True)

# A fixed timestamp keeps the zips byte-identical between runs.
STAMP = (2026, 1, 1, 0, 0, 0)


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# --- HTML: the policy inside a site's page furniture ------------------------------------------

def make_html():
    with open(PLAIN_HTML, encoding="utf-8") as f:
        page = f.read()
    head, rest = page.split("<body>", 1)
    body, tail = rest.rsplit("</body>", 1)
    furniture_top = """
<a class="skip-link" href="#content">Skip to main content</a>
<div id="cookie-banner" class="cookie-consent" role="dialog">
  <p>We use cookies to report how visitors use this site. Accept all cookies?</p>
  <button>Accept</button>
</div>
<header class="site-header">
  <p class="logo">Ashdown Vale Community Trust</p>
  <nav aria-label="Main menu"><ul>
    <li><a href="/">Home</a></li><li><a href="/policies">Policies</a></li>
    <li><a href="/contact">Report a concern</a></li>
  </ul></nav>
</header>
<ol class="breadcrumb"><li>Home</li><li>Policies</li><li>Social media</li></ol>
<div class="layout">
<main id="content">
"""
    furniture_bottom = """
</main>
<aside class="related"><h2>Related policies</h2><ul><li>Whistleblowing policy</li></ul></aside>
</div>
<form class="search" action="/search"><label>Search policies <input name="q"></label></form>
<footer class="site-footer"><p>Call the police on 999 in an emergency. Registered charity 1234567.</p></footer>
<script>var reportAbuse = "Staff must report abuse to the police";</script>
<noscript><p>Turn on JavaScript to report abuse online.</p></noscript>
<template><p>Template text is never shown.</p></template>
"""
    with open(os.path.join(DIR, "source.html"), "w", encoding="utf-8") as f:
        f.write(head + "<body>" + furniture_top + body + furniture_bottom + "</body>" + tail)


# --- DOCX: tracked changes and the rest -------------------------------------------------------

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

DOCX_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>
<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>
<Override PartName="/word/endnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"/>
<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>
<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>
</Types>"""

DOCX_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>
</Relationships>"""

DOCX_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes" Target="footnotes.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes" Target="endnotes.xml"/>
<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>
<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>
</Relationships>"""

DOCX_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:title>Online Safety at Work</dc:title><dc:creator>Policy team</dc:creator>
</cp:coreProperties>"""

DOCX_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles {W}>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ClauseBase"><w:name w:val="Clause Base"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="PolicyClause"><w:name w:val="Policy Clause"/><w:basedOn w:val="ClauseBase"/></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TOC1"><w:name w:val="toc 1"/><w:basedOn w:val="Normal"/></w:style>
</w:styles>"""


def p(body, style=None, ppr=""):
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f"<w:p><w:pPr>{style_xml}{ppr}</w:pPr>{body}</w:p>"


def r(text):
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


NUM = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'

DOCX_BODY = "".join([
    p(r("Online Safety at Work (draft)"), "Title"),
    p(r("Contents"), "TOC1"),
    p(r("1. Reporting"), "Heading1"),
    p(r("Staff must report abuse ")
      + '<w:del w:id="1" w:author="HR" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>within a week</w:delText></w:r></w:del>'
      + '<w:ins w:id="2" w:author="HR" w:date="2026-01-01T00:00:00Z">' + r("within one working day") + "</w:ins>"
      + r(" to the") + "<w:r><w:tab/></w:r>" + r("manager.")
      + '<w:r><w:footnoteReference w:id="2"/></w:r>'),
    p('<w:del w:id="3" w:author="HR" w:date="2026-01-01T00:00:00Z"><w:r><w:delText>This whole paragraph was deleted.</w:delText></w:r></w:del>',
      ppr='<w:rPr><w:del w:id="4" w:author="HR" w:date="2026-01-01T00:00:00Z"/></w:rPr>'),
    p(r("1.1 Keeping evidence"), "PolicyClause"),
    p(r("Keep screenshots:")),
    p(r("of the messages"), ppr=NUM),
    p(r("of the profile that sent them"), ppr=NUM),
    p(r("Note the date and time."), "ListBullet"),
    "<w:tbl><w:tblPr/>"
    + "<w:tr><w:tc>" + p(r("Role")) + "</w:tc><w:tc>" + p(r("Contact")) + "</w:tc></w:tr>"
    + "<w:tr><w:tc>" + p(r("Designated Safeguarding Lead")) + "</w:tc><w:tc>" + p(r("Ms Patel")) + p(r("ext. 214")) + "</w:tc></w:tr>"
    + "</w:tbl>",
    p(r("Line one") + "<w:r><w:br/></w:r>" + r("line two.")),
    p(r("Call the ")
      + '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/help" </w:instrText></w:r>'
      + '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' + r("helpline") + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
      + r(".")),
    p('<w:moveFrom w:id="5" w:author="HR" w:date="2026-01-01T00:00:00Z">' + r("Moved away text.") + "</w:moveFrom>"
      + '<w:moveTo w:id="6" w:author="HR" w:date="2026-01-01T00:00:00Z">' + r("Moved here text.") + "</w:moveTo>"),
    p("<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>"
      + p(r("Text box words."))
      + "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
      + p(r("Text box words."))
      + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
      + r("After the box.")
      + '<w:r><w:endnoteReference w:id="2"/></w:r>'),
    '<w:sectPr><w:headerReference w:type="default" r:id="rId4"/><w:footerReference w:type="default" r:id="rId5"/></w:sectPr>',
])

DOCX_DOCUMENT = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W} {MC} {R}><w:body>{DOCX_BODY}</w:body></w:document>"""


def notes(kind):
    tag = "footnote" if kind == "footnotes" else "endnote"
    text = ("See the Protection from Harassment Act 1997." if tag == "footnote"
            else "An endnote about support.")
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{kind} {W}>
<w:{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{tag}>
<w:{tag} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{tag}>
<w:{tag} w:id="2"><w:p><w:r><w:{tag}Ref/></w:r>{r(" " + text)}</w:p></w:{tag}>
</w:{kind}>"""


def header(kind, text):
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:{kind} {W}><w:p>{r(text)}</w:p></w:{kind}>"""


def make_docx():
    write_zip(os.path.join(DIR, "features.docx"), [
        ("[Content_Types].xml", DOCX_TYPES),
        ("_rels/.rels", DOCX_RELS),
        ("word/_rels/document.xml.rels", DOCX_DOC_RELS),
        ("word/document.xml", DOCX_DOCUMENT),
        ("word/styles.xml", DOCX_STYLES),
        ("word/footnotes.xml", notes("footnotes")),
        ("word/endnotes.xml", notes("endnotes")),
        ("word/header1.xml", header("hdr", "HEADER TEXT IS NOT POLICY")),
        ("word/footer1.xml", header("ftr", "FOOTER TEXT IS NOT POLICY")),
        ("docProps/core.xml", DOCX_CORE),
    ])


# --- ODT ----------------------------------------------------------------------------------------

ODT_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'office:version="1.3"')

ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
<manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""

ODT_META = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta {ODT_NS}><office:meta><dc:title>Online Safety at Work</dc:title></office:meta></office:document-meta>"""

ODT_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {ODT_NS}>
<office:styles>
<style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard"/>
<style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:default-outline-level="1"/>
<style:style style:name="Clause_20_Base" style:display-name="Clause Base" style:family="paragraph" style:default-outline-level="2"/>
<style:style style:name="Policy_20_Clause" style:display-name="Policy Clause" style:family="paragraph" style:parent-style-name="Clause_20_Base"/>
</office:styles>
<office:master-styles><style:master-page style:name="Standard">
<style:header><text:p>HEADER TEXT IS NOT POLICY</text:p></style:header>
<style:footer><text:p>FOOTER TEXT IS NOT POLICY</text:p></style:footer>
</style:master-page></office:master-styles>
</office:document-styles>"""

ODT_CONTENT = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content {ODT_NS}>
<office:automatic-styles>
<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Policy_20_Clause"/>
</office:automatic-styles>
<office:body><office:text>
<text:tracked-changes>
<text:changed-region text:id="ct1"><text:deletion><office:change-info><dc:creator>HR</dc:creator></office:change-info>
<text:p>within a week</text:p></text:deletion></text:changed-region>
<text:changed-region text:id="ct2"><text:insertion><office:change-info><dc:creator>HR</dc:creator></office:change-info></text:insertion></text:changed-region>
</text:tracked-changes>
<text:p text:style-name="Title">Online Safety at Work (draft)</text:p>
<text:h text:style-name="Heading_20_1" text:outline-level="1">1. Reporting</text:h>
<text:p>Staff must report abuse <text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>within one working day<text:change-end text:change-id="ct2"/> to the<text:tab/>manager.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p>See the Protection from Harassment Act 1997.</text:p></text:note-body></text:note></text:p>
<text:p text:style-name="P1">1.1 Keeping evidence</text:p>
<text:p>Keep screenshots:</text:p>
<text:list><text:list-item><text:p>of the messages</text:p></text:list-item>
<text:list-item><text:p>of the profile that sent them</text:p></text:list-item></text:list>
<table:table table:name="Contacts"><table:table-column/>
<table:table-header-rows><table:table-row><table:table-cell><text:p>Role</text:p></table:table-cell><table:table-cell><text:p>Contact</text:p></table:table-cell></table:table-row></table:table-header-rows>
<table:table-row><table:table-cell><text:p>Designated Safeguarding Lead</text:p></table:table-cell><table:table-cell><text:p>Ms Patel</text:p><text:p>ext. 214</text:p></table:table-cell></table:table-row>
</table:table>
<text:p>Line one<text:line-break/>line two.<text:s text:c="3"/>Spaced.</text:p>
<text:p><text:soft-page-break/>After the <text:span>page</text:span> break.</text:p>
</office:text></office:body></office:document-content>"""


def make_odt():
    write_zip(os.path.join(DIR, "features.odt"), [
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        ("META-INF/manifest.xml", ODT_MANIFEST),
        ("content.xml", ODT_CONTENT),
        ("styles.xml", ODT_STYLES),
        ("meta.xml", ODT_META),
    ])


# --- Bad files ----------------------------------------------------------------------------------

def make_zip_bomb():
    # 210 MB of one repeated word deflates to about 200 kB: over the readers' 200 MB budget.
    path = os.path.join(BAD, "zip-bomb.docx")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(zipfile.ZipInfo("[Content_Types].xml", STAMP), DOCX_TYPES)
        info = zipfile.ZipInfo("word/document.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><w:document {W}><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"policy " * (1024 * 1024 // 7)
            for _ in range(210):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")


def make_not_a_zip():
    with open(os.path.join(BAD, "not-a-zip.docx"), "w", encoding="utf-8") as f:
        f.write("Staff Social Media Policy\n\nThis was saved as plain text and renamed .docx.\n")


def make_truncated_pdf():
    with open(os.path.join(DIR, "source.pdf"), "rb") as f:
        data = f.read()
    with open(os.path.join(BAD, "truncated.pdf"), "wb") as f:
        f.write(data[: len(data) * 2 // 5])


def make_image_only_pdf():
    # One page that paints a small grey image and has no text operators, like a scan.
    width, height = 32, 16
    pixels = bytes((x * 8) % 256 for y in range(height) for x in range(width))
    content = b"q 400 0 0 200 100 500 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (width, height, len(pixels))
        + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    with open(os.path.join(BAD, "image-only.pdf"), "wb") as f:
        f.write(out)


make_html()
make_docx()
make_odt()
make_zip_bomb()
make_not_a_zip()
make_truncated_pdf()
make_image_only_pdf()
