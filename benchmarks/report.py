"""The group's half-year economic-operation report with every section and chart: goal ≤ 10 s on
the demo group, ≤ 30 s on the 1,000-unit benchmark group.

`python benchmarks/report.py [--group demo|bench]` (default demo; bench builds or reuses the
1,000-unit benchmark group of benchmarks/common.py, which takes long the first time) loads the
group into SQLite under benchmarks/data/, then measures, as the system (which sees every unit),
for the half year to June 2026:

1. the engine's cold load (once: a running server holds it);
2. the report's content (`pacer.reports.build_economic`) on the loaded engine: median of 3;
3. each format from the content, charts converted afresh (cleared cache): HTML, Word, PDF and
   Excel; the whole report is the first content plus the PDF;
4. the obvious alternative for the PDF: the Word file converted by LibreOffice headless
   (`soffice --convert-to pdf`), driving an office suite, where it is installed.

Results go to benchmarks/results/report-GROUP.md, and both groups' to benchmarks/results/report.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import DATA, GROUP, RESULTS, SQLITE_URL, ensure_group, machine
from pacer.db import make_engine

PERIOD = "2026-06"
DEMO_URL = f"sqlite:///{DATA / 'report_demo.db'}"
GOAL = {"demo": 10.0, "bench": 30.0}


def _demo(url: str) -> None:
    from pacer.demo.loader import load_demo
    from pacer.migrate import is_initialised, upgrade

    DATA.mkdir(exist_ok=True)
    engine = make_engine(url)
    if not is_initialised(engine):
        upgrade(engine)
        load_demo(engine, units=None, years=None, seed=7, as_of=202610, reset=True)
    engine.dispose()


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def measure(url: str) -> dict[str, object]:
    from sqlalchemy.orm import Session

    from pacer.analysis import get_analysis
    from pacer.auth.permissions import SYSTEM
    from pacer.reports import EconomicRequest, build_economic, render
    from pacer.reports.render import images

    db = make_engine(url)
    analysis, load = _timed(get_analysis, db)
    request = EconomicRequest(None, PERIOD, "half", "zh")
    content = []
    with Session(db) as session:
        for _ in range(3):
            report, seconds = _timed(build_economic, session, SYSTEM, request, analysis=analysis)
            content.append(seconds)
        out: dict[str, object] = {
            "units": len(analysis.data.unit_ids),
            "load": load,
            "content_first": content[0],
            "content": statistics.median(content[1:]),
            "charts": len(report.charts()),
            "tables": len(report.tables()),
            "sections": [s.key for s in report.sections],
        }
        for fmt in ("html", "docx", "pdf", "xlsx"):
            images._kept.clear()
            data, seconds = _timed(render, report, fmt)
            out[fmt], out[f"{fmt}_bytes"] = seconds, len(data)
            if fmt == "docx":
                docx = data
        # the whole report on a fresh engine: its first content, then the PDF with every chart converted
        out["whole_pdf"] = content[0] + float(out["pdf"])  # type: ignore[arg-type]
    out["soffice"] = _soffice(docx)
    db.dispose()
    return out


def _soffice(docx: bytes) -> float | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        path.write_bytes(docx)
        start = time.perf_counter()
        subprocess.run(
            [soffice, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(path)],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": tmp},
        )
        return time.perf_counter() - start


def write(group: str, r: dict[str, object]) -> None:
    goal = GOAL[group]
    verdict = "meets" if float(r["whole_pdf"]) <= goal else "misses"
    soffice = r["soffice"]
    lines = [
        f"## The half-year economic-operation report ({group} group)\n",
        f"The {'demo group' if group == 'demo' else '1,000-unit benchmark group'} ({r['units']} units) in SQLite, "
        f"the group's report for the half year to {PERIOD} in Chinese: {len(r['sections'])} sections "  # type: ignore[arg-type]
        f"({', '.join(r['sections'])}), {r['tables']} tables, {r['charts']} charts. "  # type: ignore[arg-type]
        f"Command: `python benchmarks/report.py --group {group}`. Run {datetime.datetime.now():%Y-%m-%d %H:%M}; "
        f"load average {os.getloadavg()[0]:.1f} at the end (other work shares the two cores). Machine: {machine()}.\n",
        "| step | seconds |",
        "|---|---:|",
        f"| engine cold load (once per process; a server holds it) | {r['load']:.2f} |",
        f"| content (`build_economic`), first on this engine | {r['content_first']:.2f} |",
        f"| content again (the cockpit's answers kept per engine version), median of 2 | {r['content']:.2f} |",
        f"| HTML, charts converted afresh ({r['html_bytes']:,} bytes) | {r['html']:.2f} |",
        f"| Word ({r['docx_bytes']:,} bytes) | {r['docx']:.2f} |",
        f"| PDF by Typst in process ({r['pdf_bytes']:,} bytes) | {r['pdf']:.2f} |",
        f"| Excel tables ({r['xlsx_bytes']:,} bytes) | {r['xlsx']:.2f} |",
        f"| **whole report: first content + every chart + PDF** (goal ≤ {goal:.0f} s: {verdict}) "
        f"| **{r['whole_pdf']:.2f}** |",
        "| alternative: the Word file to PDF by LibreOffice headless | "
        + (f"{soffice:.2f} |" if soffice is not None else "not installed |"),
        "",
        "Most of a format's time is converting the charts (vl-convert, one at a time: its JavaScript runtime is "
        "not reentrant); a second format of the same report reuses them. The engine is loaded once per process "
        "and kept current, so a served report costs the content and the rendering.",
        "",
    ]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"report-{group}.md").write_text("\n".join(lines), encoding="utf-8")
    # the section RESULTS.md is assembled from: both groups, each as last measured
    parts = [RESULTS / f"report-{g}.md" for g in GOAL]
    (RESULTS / "report.md").write_text("\n".join(p.read_text(encoding="utf-8") for p in parts if p.exists()))
    print("\n".join(lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--group", choices=("demo", "bench"), default="demo")
    args = parser.parse_args()
    if args.group == "demo":
        _demo(DEMO_URL)
        url = DEMO_URL
    else:
        ensure_group(SQLITE_URL, GROUP)
        url = SQLITE_URL
    write(args.group, measure(url))


if __name__ == "__main__":
    main()
