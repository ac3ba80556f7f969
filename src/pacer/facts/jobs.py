"""HQ's figures import in the background: a CSV or a filled template (a sheet per unit) uploaded
in the browser is kept as the job's file and imported by a job, as ``pacer facts import`` does,
in one transaction: any problem stores nothing and fails the job naming its sheet and cell (or
row and column); done, the job says how many figures it stored."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import func, select

from pacer.db import WRITER_QUEUE_LOCK
from pacer.errors import DomainError, Problem, ValidationFailed
from pacer.facts.service import import_facts_file
from pacer.facts.workbook_import import import_workbook_files
from pacer.files import repository as files
from pacer.jobs.context import JobContext
from pacer.jobs.kinds import Kind, Output, register
from pacer.submissions.said import localize

KIND = "facts_import"
SHOWN = 20  # problems a failed job names (the count of the rest follows)
STEPS = {
    "read": ("已读取 {0} / {1}", "Read {0} of {1}"),
    "store": ("已保存 {0} / {1} 个数据", "Stored {0} of {1} figures"),
    "stored": (
        "已导入 {0} 个数据：新增 {1}，修改 {2}，未变 {3}；警告 {4} 条",
        "{0} figures imported: {1} new, {2} changed, {3} unchanged; {4} warnings",
    ),
}
# the share of the job's progress bar each stage of the import fills
STAGES = {"read": (0.0, 0.7), "store": (0.7, 1.0)}


def import_work(ctx: JobContext) -> Output | None:
    p = ctx.parameters
    if ctx.session.get_bind().dialect.name == "postgresql":  # imports wait for each other (db.unit_of_work)
        ctx.session.execute(select(func.pg_advisory_xact_lock(WRITER_QUEUE_LOCK)))
    warnings: list[Problem] = []

    def told(stage: str, done: int, total: int) -> None:
        start, end = STAGES.get(stage, (0.0, 1.0))
        ctx.progress(start + (end - start) * (done / total if total else 1.0), f"{stage}|{done}|{total}")

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(p["filename"]).name
        path.write_bytes(files.content(ctx.session, int(p["file_id"])))
        try:
            if path.suffix.lower() == ".xlsx":
                counts = import_workbook_files(
                    ctx.session, [path], ctx.actor, language=ctx.lang, warnings=warnings, progress=told
                )
            else:
                counts = import_facts_file(ctx.session, path, ctx.actor, language=ctx.lang, warnings=warnings,
                                           progress=told, source=path.name)  # fmt: skip
        except ValidationFailed as exc:
            raise _refusal(exc, ctx.lang, path.name) from None
    told_counts = "|".join(str(counts.get(k, 0)) for k in ("rows", "created", "updated", "unchanged"))
    ctx.summary = f"stored|{told_counts}|{len(warnings)}"
    return None


def _refusal(exc: ValidationFailed, lang: str, name: str) -> DomainError:
    """The import's problems in one message in the asker's language: each with its sheet and cell
    (or row and column), the first :data:`SHOWN`, then how many more."""
    localize(exc, lang)
    said = [p.said(lang) for p in exc.problems[:SHOWN]]
    more = len(exc.problems) - SHOWN + exc.more
    if more > 0:
        said.append(f"另有 {more} 个问题" if lang == "zh" else f"and {more} more problems")
    head = f"{name}：" if lang == "zh" else f"{name}: "  # the file as uploaded, not where the job put it
    return DomainError(head + ("；" if lang == "zh" else "; ").join(said), status=422)


FACTS_IMPORT = register(
    Kind(
        KIND,
        ("数据导入", "Figures import"),
        import_work,
        writes=True,
        steps=STEPS,
        origin=lambda _parameters: "/imports/figures",
        origin_key="jobs.import_again",
    )
)
