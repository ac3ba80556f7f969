"""Excel in the browser for one unit's month: the template to download, and the filled workbook
uploaded into the month's submission as a draft (then back to the month's page). A refused
upload shows every problem by sheet and cell on a page of its own and stores nothing."""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from starlette.datastructures import UploadFile
from starlette.responses import RedirectResponse, Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.errors import Conflict, DomainError, Problem, ValidationFailed
from pacer.kit import periods
from pacer.kit.xlsx import XLSX
from pacer.submissions import workbook
from pacer.submissions.said import in_language, localize
from pacer.web.deps import Db
from pacer.web.templating import lang_of, render
from pacer.web.uploads import stored_upload

router = APIRouter(prefix="/submissions", include_in_schema=False)
UnitCode = Annotated[str, Path(max_length=32)]
Month = Annotated[str, Path(max_length=7)]


async def upload_form(request: Request) -> tuple[UploadFile | None, str]:
    form = await request.form(max_fields=10, max_files=1)
    file, version = form.get("file"), form.get("version")
    return (file if isinstance(file, UploadFile) else None, version if isinstance(version, str) else "")


Upload = Annotated[tuple[UploadFile | None, str], Depends(upload_form)]


def _month(text: str) -> int:
    try:
        return periods.parse_period(text)
    except ValueError as exc:
        raise DomainError(str(exc), status=422) from None


@router.get("/{unit_code}/{month}/template.xlsx", name="submission_template")
def submission_template(request: Request, viewer: CurrentViewer, db: Db, unit_code: UnitCode, month: Month) -> Response:
    with in_language(lang_of(request)):
        period = _month(month)
        data = workbook.template(db, viewer.actor, unit_code, period, lang_of(request))
    name = f"figures-{unit_code}-{periods.format_period(period)}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{unit_code}/{month}/upload", name="submission_upload", dependencies=[Depends(protect)])
def submission_upload(
    request: Request, viewer: CurrentViewer, db: Db, form: Upload, unit_code: UnitCode, month: Month
) -> Response:
    lang = lang_of(request)
    with in_language(lang):
        period, (upload, version) = _month(month), form
        workbook.reporting_unit(db, viewer.actor, unit_code)  # before the file is read
    source = upload.filename if upload is not None and upload.filename else "upload"
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed([Problem(_choose(lang))], "upload")
        if version and not version.isdigit():
            raise ValidationFailed([Problem(f"'{version[:20]}' is not a version", field="version")], source)
        with tempfile.TemporaryDirectory() as folder:
            path = stored_upload(upload, folder)
            found = workbook.save_workbook(
                db, viewer.actor, unit_code, period, path, upload.filename, int(version) if version else None, lang
            )
    except (ValidationFailed, Conflict) as exc:
        db.rollback()
        localize(exc, lang)
        failed = exc if isinstance(exc, ValidationFailed) else ValidationFailed([Problem(exc.message)], source)
        context = {
            "unit_code": unit_code,
            "month": periods.format_period(period),
            "source": failed.source,
            "problems": [(p, p.text(lang)) for p in failed.problems],
            "more": failed.more,
        }
        return render(request, "submissions/upload.html", context, exc.status)
    target = f"/submissions/{found.unit.code}/{periods.format_period(period)}"
    return RedirectResponse(target, status_code=303)


def _choose(lang: str) -> str:
    return "请选择要上传的 Excel 文件（.xlsx）" if lang == "zh" else "choose an Excel file (.xlsx) to upload"
