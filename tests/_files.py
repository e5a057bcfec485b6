"""Real-looking documents made in the tests: a PDF with a text layer, an HTML page with the
furniture of a ministry's site, a PDF bomb."""

from __future__ import annotations

import zlib


def pdf(pages: list[list[str]], *, compress: bool = True) -> bytes:
    """A PDF whose pages show ``pages`` (lines of text, Helvetica), with a correct xref table."""
    objects: list[bytes] = []
    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for i, lines in enumerate(pages):
        operations = ["BT", "/F1 12 Tf", "14 TL", "72 720 Td"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            operations.append(f"({escaped}) Tj T*")
        operations.append("ET")
        content = "\n".join(operations).encode("cp1252")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(_stream(content, compress=compress))
    return _assemble(objects)


def pdf_bomb(expanded: int = 200_000_000) -> bytes:
    """One page whose content stream inflates from a few hundred kilobytes to ``expanded``."""
    content = zlib.compress(b" " * expanded, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content)
        + content
        + b"\nendstream",
    ]
    return _assemble(objects)


def _stream(content: bytes, *, compress: bool) -> bytes:
    if compress:
        data = zlib.compress(content)
        header = b"<< /Length %d /Filter /FlateDecode >>" % len(data)
    else:
        data, header = content, b"<< /Length %d >>" % len(content)
    return header + b"\nstream\n" + data + b"\nendstream"


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def ministry_page(remote: str) -> bytes:
    """A ministry press release as a browser would get it: head, navigation, scripts, remote
    images, fonts and frames around the release itself. ``remote`` is where its resources are."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="refresh" content="600; url={remote}/reload">
  <title>Japan-UNODC Fact Sheet 2025 | Ministry of Foreign Affairs of Japan</title>
  <link rel="stylesheet" href="{remote}/site.css">
  <style>@import url("{remote}/fonts.css"); body {{ background: url({remote}/bg.png) }}</style>
  <script src="{remote}/analytics.js"></script>
  <script>document.write('<img src="{remote}/pixel.gif">'); fetch("{remote}/beacon");</script>
</head>
<body>
  <header><img src="{remote}/logo.png" alt="MOFA logo"><nav><a href="/">Home</a> <a href="/policy">Policy</a></nav></header>
  <div class="breadcrumbs"><nav>Home &gt; Foreign Policy &gt; Crime</nav></div>
  <main>
    <h1>Japan&#8211;UNODC Fact Sheet 2025</h1>
    <p>On 12 June 2025, Japan announced a contribution of <strong>US$ 5.5 million</strong>
       to the <a href="https://www.unodc.org/">United Nations Office on Drugs and Crime</a>
       (UNODC) for projects in Southeast Asia.</p>
    <p>The projects run from 2025 to 2027.<br>They address synthetic drugs &amp; precursors.</p>
    <ul><li>Cambodia</li><li>Lao PDR</li></ul>
    <ol start="3"><li>Border management</li><li>Maritime law enforcement</li></ol>
    <table><tr><th>Country</th><th>Amount</th></tr><tr><td>Viet Nam</td><td>USD 1.2 million</td></tr></table>
    <iframe src="{remote}/video"></iframe>
    <form action="{remote}/search"><input name="q"><button>Search</button></form>
    <pre>  Signed in Tokyo,
  12 June 2025</pre>
    <script>alert("not text")</script>
    <noscript>Enable JavaScript</noscript>
  </main>
  <aside>Related: <a href="/x">Other news</a></aside>
  <footer>© Ministry of Foreign Affairs of Japan <img src="{remote}/footer.png"></footer>
</body>
</html>
""".encode()
