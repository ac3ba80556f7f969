"""What the meetings API takes and returns. Texts arrive as written; the service checks them and
names the field of every problem (``held_on``, ``requirements[3].number``)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

Name = list[str]


class AgendaIn(BaseModel):
    kind: str = Field(default="speech", max_length=16, description="speech or report")
    speaker: str = Field(default="", max_length=100)
    title: str = Field(default="", max_length=300)


class RequirementIn(BaseModel):
    id: int | None = Field(default=None, description="An existing requirement's id, to keep it (and its tasks).")
    number: int | None = Field(default=None, description="As its issuer numbered it; empty: the issuer's next.")
    issuer: str = Field(default="", max_length=100)
    text: str = Field(max_length=20_000)
    tags: list[str] = Field(default_factory=list, max_length=20)


class MeetingIn(BaseModel):
    unit_code: str | None = Field(default=None, max_length=32, description="The unit holding it; empty: yours.")
    kind: str = Field(max_length=32)
    title: str = Field(max_length=300)
    held_on: str = Field(max_length=10, description="YYYY-MM-DD")
    place: str = Field(default="", max_length=200)
    mode: str = Field(default="on_site", max_length=16, description="on_site, video or both")
    chair: str = Field(default="", max_length=100)
    summary: str = Field(default="", max_length=20_000)
    source_text: str = Field(default="", max_length=200_000, description="The article it was drawn from.")
    attendees: Name = Field(default_factory=list, max_length=500, description="People attending, by name.")
    attendee_units: Name = Field(default_factory=list, max_length=2000, description="Unit codes attending.")
    reporting_units: Name = Field(default_factory=list, max_length=2000, description="Unit codes reporting.")
    agenda: list[AgendaIn] = Field(default_factory=list, max_length=200)
    requirements: list[RequirementIn] | None = Field(
        default=None, max_length=500, description="In order; absent on an edit: left as they are."
    )


class RequirementsIn(BaseModel):
    requirements: list[RequirementIn] = Field(max_length=500)


class UnitOut(BaseModel):
    code: str
    name: str


class RequirementOut(BaseModel):
    id: int
    position: int
    number: int
    issuer: str
    text: str
    tags: list[str]
    tasks: int


class FileOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


class MeetingSummaryOut(BaseModel):
    id: int
    unit: UnitOut
    kind: str
    title: str
    held_on: date
    mode: str
    place: str
    requirements: int


class MeetingOut(MeetingSummaryOut):
    chair: str
    summary: str
    attendees: list[str]
    attendee_units: list[UnitOut]
    reporting_units: list[UnitOut]
    agenda: list[AgendaIn]
    requirement_list: list[RequirementOut]
    documents: list[FileOut]


class ArticleIn(BaseModel):
    text: str = Field(max_length=200_000, description="The article: Chinese (either script) or English.")
    unit_code: str | None = Field(default=None, max_length=32, description="The unit holding it; empty: yours.")


class ProposalOut(BaseModel):
    record: MeetingIn  # to check, edit and send to POST /api/meetings
    warnings: list[str]
