"""From a meeting article to a confirmed record: the seed articles proposed, confirmed and
stored with each speaker's numbered requirements; an article without them refused, nothing
stored; the same through the pages and the terminal."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from pacer.auth.permissions import load_actor
from pacer.errors import Forbidden, ValidationFailed
from pacer.meetings import article, form, service
from pacer.models import Meeting, Requirement
from tests.factories import write_csv
from tests.meetings.test_extract_seeds import COUNTS, SEEDS
from tests.test_cli import ORG, run
from tests.webclient import page_token

WITH_LISTS = sorted(name for name, lists in COUNTS.items() if lists)


def stored(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count()).select_from(Meeting)),
        session.scalar(select(func.count()).select_from(Requirement)),
    )


@pytest.mark.parametrize("seed", WITH_LISTS)
def test_a_seed_article_is_proposed_then_confirmed_with_every_speakers_list(session, org, seed):
    grace = load_actor(session, "grace")
    text = (SEEDS / seed).read_text(encoding="utf-8")
    proposal = article.propose(session, grace, text, "en")
    assert stored(session) == (0, 0)  # a proposal stores nothing
    numbered = [(r.issuer, r.number) for r in proposal.record.requirements or []]
    expected = [(speaker, n) for speaker, count in COUNTS[seed] for n in range(1, count + 1)]
    assert numbered == expected
    meeting = service.create(session, grace, proposal.record)
    detail = service.detail(session, grace, meeting.id)
    assert [(r.issuer, r.number) for r in detail.requirements] == expected
    assert all(r.text and not r.text.lower().startswith(("first", "second")) for r in detail.requirements)
    assert detail.meeting.source_text.startswith(text.strip()[:40])


def test_two_speakers_lists_of_six_keep_their_own_numbers(session, org):
    grace = load_actor(session, "grace")
    proposal = article.propose(session, grace, (SEEDS / "003_921ce8f69a2cad7d.txt").read_text(encoding="utf-8"), "en")
    meeting = service.create(session, grace, proposal.record)
    detail = service.detail(session, grace, meeting.id)
    assert [r.position for r in detail.requirements] == list(range(1, 13))
    assert [r.number for r in detail.requirements] == [*range(1, 7), *range(1, 7)]
    assert (detail.meeting.kind, detail.meeting.held_on.isoformat()) == ("semiannual_conference", "2023-08-05")


@pytest.mark.parametrize(
    ("text", "upload", "field", "zh"),
    [
        ("   ", None, "text", "文章是空的"),
        ("会议强调，要坚定信心，攻坚克难，确保完成全年目标任务。", None, "text", "未找到编号的要求"),
        ("", ("a.txt", b"\x00\x01\x02\x03binary"), "file", "二进制"),
        ("", ("a.exe", b"MZ"), "file", "不支持的文件类型"),
    ],
)
def test_an_article_without_numbered_requirements_is_refused_clearly_and_nothing_is_stored(
    session, org, text, upload, field, zh
):
    with pytest.raises(ValidationFailed) as refused:
        article.propose(session, load_actor(session, "grace"), article.article_of(text, upload), "zh")
    assert refused.value.problems[0].field == field
    assert zh in refused.value.problems[0].zh
    assert stored(session) == (0, 0)


def test_only_those_who_register_meetings_have_articles_proposed(session, org):
    with pytest.raises(Forbidden):
        article.propose(session, load_actor(session, "victor"), "一是抓改革；二是抓创新。", "zh")


def as_posted(record) -> dict[str, str]:
    """The fields the proposal form posts back when the person confirms it unchanged."""
    values = form.values(record)
    posted = {k: str(v) for k, v in values.items() if isinstance(v, str)}
    for i, a in enumerate(values["agenda"], start=1):
        posted |= {f"agenda-{i}-{k}": str(a[k]) for k in ("kind", "speaker", "title")}
    for i, r in enumerate(values["requirements"], start=1):
        posted |= {f"req-{i}-{k}": str(r[k]) for k in ("issuer", "number", "text", "tags")} | {f"req-{i}-order": str(i)}
    return posted


def test_the_proposal_page_shows_the_record_and_confirming_it_registers_the_meeting(session, signed_in, org):
    grace = signed_in("grace")
    token = page_token(grace, "/meetings/from-article")
    text = (SEEDS / "004_d211a32258dd057e.txt").read_text(encoding="utf-8")
    page = grace.post("/meetings/from-article?lang=en", data={"csrf_token": token, "text": text, "unit_code": "G"})
    assert page.status_code == 200
    assert "Check the proposed meeting record" in page.text
    assert 'name="proposal" value="1"' in page.text
    assert stored(session) == (0, 0)
    record = article.propose(session, load_actor(session, "grace"), text, "en", "G").record
    confirmed = grace.post("/meetings/new", data=as_posted(record) | {"csrf_token": token, "proposal": "1"})
    assert confirmed.status_code == 303, confirmed.text
    assert stored(session) == (1, 3)
    refused = grace.post("/meetings/from-article", data={"csrf_token": token, "text": "没有编号的一段话。"})
    assert refused.status_code == 422
    assert "未找到编号的要求" in refused.text


def test_an_article_is_imported_at_the_terminal_and_confirmed(database_url, tmp_path):
    run("org", "import", str(write_csv(tmp_path / "org.csv", *ORG)))
    seed = str(SEEDS / "000_7d137ef9c19469f9.txt")
    shown = run("meetings", "import-article", seed).output
    assert '"requirements"' in shown
    assert "0 meeting(s)." in run("meetings", "list").output
    done = run("meetings", "import-article", seed, "--confirm").output
    assert "registered with 10 requirement(s)" in done
    listed = run("meetings", "list", "--year", "2020").output
    assert "1 meeting(s)." in listed
    meeting_id = listed.split()[0]
    details = run("meetings", "show", meeting_id).output
    assert "Yuan Jie 10." in details
    refused = run("meetings", "import-article", str(SEEDS / "002_7c63794446c9e804.txt"), "--confirm", ok=False)
    assert "no numbered requirements found" in refused.stderr
    engine = create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Meeting)).scalar() == 1
    engine.dispose()


def test_the_api_proposes_a_record_that_is_posted_back_to_register_it(session, org, client):
    from tests.web.test_bad_input import bearer

    headers = bearer(session, "grace")
    text = (SEEDS / "001_4946104d0c29f997.txt").read_text(encoding="utf-8")
    proposed = client.post("/api/meetings/proposals", json={"text": text}, headers=headers)
    assert proposed.status_code == 200, proposed.text
    record = proposed.json()["record"]
    assert len(record["requirements"]) == 9
    assert stored(session) == (0, 0)
    created = client.post("/api/meetings", json=record, headers=headers)
    assert created.status_code == 201, created.text
    assert len(created.json()["requirement_list"]) == 9
    empty = client.post("/api/meetings/proposals", json={"text": ""}, headers=headers)
    assert empty.status_code == 422
    assert empty.json()["error"]["details"][0]["message_zh"] == "文章是空的"
