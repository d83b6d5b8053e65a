"""A picture of the first page of the Word dispatch (issue 13 item 5): docx -> PDF (LibreOffice) -> PNG (poppler).

    .venv/bin/python tools/dispatch_preview.py                 # build the demo report in a temp folder, use its 通报
    .venv/bin/python tools/dispatch_preview.py FILE.docx       # any dispatch
    .venv/bin/python tools/dispatch_preview.py --out x.png ... # elsewhere than docs/dispatch_first_page.png

Without FILE, it runs the demo job (``airq demo``, as ``make demo`` does: synthetic data, ingest, assess,
forecast, the month's report with its notebooks) with every folder in a temporary directory, so the
repository's data/ and reports/ are left as they are, and takes the ``*_通报.docx`` it wrote.

Then ``soffice --headless --convert-to pdf`` (with its own throw-away user profile, so it neither
disturbs nor waits for a LibreOffice that is already open) and ``pdftoppm -png -r 80 -f 1 -l 1``; the PNG
is written atomically (a temp file beside it, then os.replace). Needs LibreOffice (``soffice``) and
poppler-utils (``pdftoppm``) on PATH; on Debian: ``apt-get install --no-install-recommends
libreoffice-writer-nogui poppler-utils fonts-noto-cjk`` (the CJK fonts: LibreOffice substitutes them
for 宋体/黑体). The picture is LibreOffice's rendering, not Word's or WPS's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "dispatch_first_page.png"


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"dispatch_preview: {tool} is not on PATH (apt-get install --no-install-recommends "
                         "libreoffice-writer-nogui poppler-utils fonts-noto-cjk)")
    return path


def soffice_version() -> str:
    """``LibreOffice 7.4.7.2 ...`` (the first line of ``soffice --version``)."""
    out = subprocess.run([need("soffice"), "--version"], capture_output=True, text=True, timeout=120)
    return out.stdout.strip().splitlines()[0] if out.stdout.strip() else "LibreOffice (version unknown)"


def demo_docx(tmp: Path) -> Path:
    """Run ``airq demo`` with its data, store and reports in ``tmp``; the Word dispatch it wrote."""
    cmd = [sys.executable, "-m", "airq.cli", "demo", "--out", str(tmp / "reports" / "demo"),
           "--raw", str(tmp / "raw"), "--store", str(tmp / "store")]
    print("building the demo report:", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    found = sorted((tmp / "reports").rglob("*_通报.docx"))
    if not found:
        raise SystemExit(f"dispatch_preview: the demo wrote no *_通报.docx under {tmp / 'reports'}")
    return found[0]


def to_pdf(docx: Path, outdir: Path) -> Path:
    """``soffice --headless --convert-to pdf --outdir outdir docx`` with a private user profile; the PDF."""
    profile = outdir / "lo-profile"
    cmd = [need("soffice"), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
           "--outdir", str(outdir), str(docx)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    pdf = outdir / (docx.stem + ".pdf")
    if not pdf.is_file():
        raise SystemExit(f"dispatch_preview: LibreOffice wrote no {pdf.name}")
    return pdf


def first_page_png(pdf: Path, out: Path, dpi: int = 80) -> Path:
    """``pdftoppm -png -r dpi -f 1 -l 1`` of ``pdf``, written to ``out`` atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".preview-") as tmp:
        prefix = Path(tmp) / "page"
        subprocess.run([need("pdftoppm"), "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                        str(pdf), str(prefix)], check=True, timeout=120)
        os.replace(prefix.with_suffix(".png"), out)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docx", nargs="?", type=Path, help="the dispatch (default: build the demo report and take its 通报)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the PNG (default: {DEFAULT_OUT.relative_to(ROOT)})")
    ap.add_argument("--dpi", type=int, default=80)
    args = ap.parse_args(argv)
    need("soffice"), need("pdftoppm")
    with tempfile.TemporaryDirectory(prefix="airq-preview-") as tmp:
        tmp = Path(tmp)
        docx = args.docx.resolve() if args.docx else demo_docx(tmp)
        pdf = to_pdf(docx, tmp)
        first_page_png(pdf, args.out, args.dpi)
    print(f"{args.out}: first page of {docx.name}, rendered by {soffice_version()} (not Word/WPS)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
