"""Characteristics as JSON (``/api/spc``): define one, send measurements (JSON or a CSV/Parquet
file as the multipart field ``file``, within PACER_UPLOAD_MAX_BYTES), freeze its limits, exclude
a phase I point with its assignable cause, and read its chart and capability. Reads see the
caller's subtrees; changes need QUALITY on the characteristic's unit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from starlette.datastructures import UploadFile
from starlette.responses import Response

from pacer.auth.deps import CurrentViewer, protect
from pacer.characteristics import chart, repository, service, shown, signals
from pacer.characteristics.schemas import (
    CharacteristicEdit,
    CharacteristicIn,
    CharacteristicOut,
    ChartOut,
    ExclusionIn,
    ExclusionOut,
    FreezeIn,
    MeasurementsIn,
    ProblemOpenedOut,
    StoredOut,
)
from pacer.errors import Problem, ValidationFailed
from pacer.files import responses
from pacer.web.deps import Db

router = APIRouter(prefix="/api/spc", tags=["spc"], dependencies=[Depends(protect)])
CharacteristicId = Annotated[int, Path(ge=1, le=2**31 - 1, description="The characteristic's id.")]
Subgroup = Annotated[int, Path(ge=1, le=10**7, description="The subgroup (point) number.")]


@router.get("/units/{unit_code}/characteristics")
def list_characteristics(viewer: CurrentViewer, db: Db, unit_code: str) -> list[CharacteristicOut]:
    """The characteristics of the unit and the units below it that the caller sees."""
    unit = service.unit_in_view(db, viewer.actor, unit_code)
    rows = repository.in_subtree(db, viewer.actor, unit.id)
    return [shown.characteristic_out(db, c, viewer.user.language) for c, _ in rows]


@router.post("/characteristics", status_code=201)
def create_characteristic(viewer: CurrentViewer, db: Db, body: CharacteristicIn) -> CharacteristicOut:
    """Define a characteristic: product, unit of measure, specification, subgroup size, chart, rules."""
    c = service.create(db, viewer.actor, body)
    return shown.characteristic_out(db, c, viewer.user.language)


@router.patch("/characteristics/{characteristic_id}")
def edit_characteristic(
    viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, body: CharacteristicEdit
) -> CharacteristicOut:
    """Change a characteristic (fields left out stay); chart and subgroup size only before measurements."""
    c = service.edit(db, viewer.actor, characteristic_id, body.model_dump(exclude_unset=True))
    return shown.characteristic_out(db, c, viewer.user.language)


@router.get("/characteristics/{characteristic_id}")
def get_characteristic(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> ChartOut:
    """The characteristic with its chart (limits per point, violations), signals and capability."""
    c = service.get(db, viewer.actor, characteristic_id)
    links = signals.linked(db, viewer.actor, c)
    return shown.chart_out(db, c, service.result(db, c), viewer.user.language, links)


@router.get("/characteristics/{characteristic_id}/chart")
def chart_spec(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, lang: str = "") -> dict[str, Any]:
    """The chart as a Vega-Lite specification (the page draws it)."""
    c = service.get(db, viewer.actor, characteristic_id)
    links = {p: signals.problem_link(i) for p, i in signals.linked(db, viewer.actor, c).items()}
    return chart.spec(c, service.result(db, c), lang if lang in ("zh", "en") else viewer.user.language, links)


@router.post("/characteristics/{characteristic_id}/measurements", status_code=201)
def add_measurements(
    viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, body: MeasurementsIn
) -> StoredOut:
    """Append subgroups after the stored ones; a refused batch stores nothing."""
    added, first, last = service.add(db, viewer.actor, characteristic_id, body.subgroups)
    return StoredOut(added=added, first=first, last=last)


async def _file(request: Request) -> UploadFile | None:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return None
    found = (await request.form()).get("file")
    return found if isinstance(found, UploadFile) else None


@router.post("/characteristics/{characteristic_id}/measurements/file", status_code=201)
def upload_measurements(
    viewer: CurrentViewer,
    db: Db,
    characteristic_id: CharacteristicId,
    file: Annotated[UploadFile | None, Depends(_file)],
) -> StoredOut:
    """Append the subgroups of a .csv or .parquet file (columns ``value`` and ``subgroup``)."""
    if file is None or not file.filename:
        raise ValidationFailed([Problem("send the file as the multipart field 'file'", field="file",
                                        zh="请以 multipart 字段 file 发送文件")], "upload")  # fmt: skip
    service.for_change(db, viewer.actor, characteristic_id)  # refused before the bytes are read
    added, first, last = service.upload(db, viewer.actor, characteristic_id, *responses.upload_bytes(file))
    return StoredOut(added=added, first=first, last=last)


@router.post("/characteristics/{characteristic_id}/freeze")
def freeze(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, body: FreezeIn) -> CharacteristicOut:
    """Calibrate on phase I and freeze the limits for phase II monitoring."""
    c = service.freeze(db, viewer.actor, characteristic_id, body.phase1_last)
    return shown.characteristic_out(db, c, viewer.user.language)


@router.post("/characteristics/{characteristic_id}/thaw")
def thaw(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId) -> CharacteristicOut:
    """Unfreeze the limits: they follow the phase I points again."""
    c = service.thaw(db, viewer.actor, characteristic_id)
    return shown.characteristic_out(db, c, viewer.user.language)


@router.post("/characteristics/{characteristic_id}/exclusions", status_code=201)
def exclude(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, body: ExclusionIn) -> ExclusionOut:
    """Remove a phase I point for an assignable cause; frozen limits are recalibrated (a revision)."""
    p = service.exclude(db, viewer.actor, characteristic_id, body.subgroup, body.reason, body.reason_en)
    return ExclusionOut(subgroup=p.subgroup, reason=p.reason, reason_en=p.reason_en, excluded_by=p.excluded_by,
                        excluded_at=p.excluded_at)  # fmt: skip


@router.delete("/characteristics/{characteristic_id}/exclusions/{subgroup}", status_code=204)
def restore(viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, subgroup: Subgroup) -> Response:
    """Put an excluded point back into the calibration."""
    service.restore(db, viewer.actor, characteristic_id, subgroup)
    return Response(status_code=204)


@router.post("/characteristics/{characteristic_id}/signals/{subgroup}/problem", status_code=201)
def open_problem(
    viewer: CurrentViewer, db: Db, characteristic_id: CharacteristicId, subgroup: Subgroup
) -> ProblemOpenedOut:
    """Open a quality problem from the signal at this subgroup (one per signal); the chart links it."""
    problem = signals.open_from_signal(db, viewer.actor, characteristic_id, subgroup, viewer.user.language)
    return ProblemOpenedOut(problem_id=problem.id, link=signals.problem_link(problem.id))
