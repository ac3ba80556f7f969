"""The quality pages: a problem recorded on the form, zeroed on its page (the owner's evidence
forms, a reviewer's sign-off buttons, never both to one person), refusals shown on the page in
the reader's language with nothing stored; a problem outside the viewer's subtrees is not found."""

import re

from sqlalchemy import func, select

from pacer.models.quality import QualityProblem, ZeroingCriterion
from pacer.quality import zeroing
from pacer.quality.words import CRITERION_CODES
from tests.quality.conftest import FOUND, fill
from tests.webclient import page_token, set_passwords

FORM = {
    "title": "舵机电缆插头虚焊",
    "unit_code": "A1",
    "found_stage": "test",
    "severity": "major",
    "found_on": FOUND.isoformat(),
    "owner": "quinn",
    "programme": "XY-7",
}


def post(client, url, data, files=None):
    return client.post(url, data=data | {"csrf_token": page_token(client)}, files=files)


def test_a_problem_recorded_on_the_form_is_zeroed_on_its_page(signed_in, session, org, owner, reviewer):
    set_passwords(session, "quinn", "rita")
    rita, quinn = signed_in("rita"), signed_in("quinn")
    made = post(rita, "/quality/problems", FORM, files=[("files", ("report.txt", b"first report", "text/plain"))])
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    page = quinn.get(url + "?lang=en").text
    assert 'data-testid="evidence-locate"' in page
    assert 'data-testid="sign-locate"' not in page
    assert "report.txt" in page
    assert 'data-verb="submit"' not in page  # offered once every criterion has its evidence
    for code in CRITERION_CODES:
        assert post(quinn, f"{url}/criteria/{code}", {"text": f"{code} 证据"}).status_code == 303
    assert post(quinn, f"{url}/verbs/submit", {}).status_code == 303
    review = rita.get(url + "?lang=zh").text
    assert "审查中" in review
    assert 'data-verb="return"' in review
    assert 'data-verb="close"' not in review  # offered once every criterion is signed off
    assert '<dd data-testid="owner">Quinn</dd>' in review  # the person's name, not the username
    assert 'data-testid="sign-rules"' in review
    assert 'data-testid="evidence-rules"' not in review
    assert 'data-testid="sign-locate"' not in quinn.get(url).text
    assert post(rita, f"{url}/criteria/locate/sign-off", {"note": "同意"}).status_code == 303
    signed = session.scalar(select(ZeroingCriterion.signed_by).where(ZeroingCriterion.code == "locate"))
    assert signed == "rita"
    refused = post(rita, f"{url}/verbs/close?lang=en", {})
    assert refused.status_code == 422
    assert "Mechanism understood" in refused.text
    for code in CRITERION_CODES[1:]:
        assert post(rita, f"{url}/criteria/{code}/sign-off", {"note": "同意"}).status_code == 303
    signed = rita.get(url + "?lang=en").text
    assert 'data-verb="close"' in signed
    assert "Rita · " in signed  # who signed off, by name


def test_a_refused_problem_is_shown_on_the_form_in_chinese_and_nothing_is_stored(signed_in, session, org, reviewer):
    set_passwords(session, "rita")
    rita = signed_in("rita")
    before = session.scalar(select(func.count()).select_from(QualityProblem))
    refused = post(rita, "/quality/problems?lang=zh", FORM | {"origin_stage": "procurement", "severity": "huge"})
    assert refused.status_code == 422
    assert "源于采购/供方的问题须写明供方" in refused.text
    assert "未知的严重程度" in refused.text
    assert 'value="舵机电缆插头虚焊"' in refused.text  # what was typed is kept
    assert session.scalar(select(func.count()).select_from(QualityProblem)) == before


def test_the_list_shows_the_problems_of_the_viewers_subtree_only(signed_in, session, org, owner, problem):
    victor, bob = signed_in("victor"), signed_in("bob")
    assert problem.title in victor.get("/quality/problems?unit=A").text
    assert problem.title not in bob.get("/quality/problems").text
    assert bob.get(f"/quality/problems/{problem.id}").status_code == 404


def test_a_form_sent_with_its_empty_fields_records_the_problem(signed_in, session, org, reviewer):
    set_passwords(session, "rita")
    rita = signed_in("rita")
    empty = {"deadline": "", "origin_stage": "", "cause": "", "owner": "", "supplier": "", "description": ""}
    made = post(rita, "/quality/problems", FORM | empty, files=[("files", ("", b"", "application/octet-stream"))])
    assert made.status_code == 303, made.text


def _reason_fields(page: str) -> dict[str, tuple[str, str]]:
    """Each verb form's reason field on a page: the verb of its button -> (the field's label,
    the hint the field is described by)."""
    out = {}
    for form in re.findall(r"<form[^>]*/verbs/[^>]*>.*?</form>", page, re.S):
        if 'name="reason"' not in form:
            continue
        verb = re.search(r'data-verb="([a-z_]+)"', form)[1]
        label = re.search(r"<label>([^<]*)<input name=\"reason\"", form)[1]
        described = re.search(r'name="reason"[^>]*aria-describedby="([^"]+)"', form)[1]
        hint = re.search(rf'<span id="{described}"[^>]*>([^<]*)</span>', form)[1]
        out[verb] = (label, hint)
    return out


def test_each_reason_field_says_which_verb_it_is_for(signed_in, session, org, owner, reviewer, problem):
    fill(session, owner, problem)
    zeroing.act(session, owner, problem.id, "submit")
    set_passwords(session, "rita")
    rita = signed_in("rita")
    en = _reason_fields(rita.get(f"/quality/problems/{problem.id}?lang=en").text)
    assert en == {
        "return": ("Reason to return", "Returning needs a reason."),
        "cancel": ("Reason to cancel", "Cancelling needs a reason."),
    }
    zh = _reason_fields(rita.get(f"/quality/problems/{problem.id}?lang=zh").text)
    assert zh == {"return": ("退回原因", "退回必须填写原因。"), "cancel": ("撤销原因", "撤销必须填写原因。")}
