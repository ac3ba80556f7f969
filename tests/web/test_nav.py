"""The main navigation: sections shown by role and by the pages that exist, the current one marked."""

from fastapi import FastAPI

from pacer.web import nav


def app_with(*paths: str) -> FastAPI:
    app = FastAPI()
    for path in paths:
        app.add_api_route(path, lambda: None, methods=["GET"])
    return app


def test_a_section_appears_only_once_one_of_its_pages_exists() -> None:
    shown = nav.shown(app_with("/cockpit", "/targets").routes, {"viewer"}, "/cockpit")
    assert [section.key for section, _, _ in shown.sections] == ["nav.section.analysis", "nav.section.configuration"]
    # the configuration section links to its first page that exists
    assert shown.sections[1][1].href == "/targets"


def test_pages_for_other_roles_are_not_offered() -> None:
    routes = app_with("/submissions", "/submissions/monitor", "/admin/users").routes
    reporter = nav.shown(routes, {"unit_reporter"}, "/submissions")
    assert [e.href for e, _ in reporter.pages] == []  # one page in the section: no second row
    assert "nav.section.admin" not in [s.key for s, _, _ in reporter.sections]
    analyst = nav.shown(routes, {"hq_analyst"}, "/submissions/monitor")
    assert [(e.href, current) for e, current in analyst.pages] == [
        ("/submissions", False),
        ("/submissions/monitor", True),
    ]


def test_the_current_section_is_the_one_holding_the_path_and_prefixes_do_not_leak() -> None:
    routes = app_with("/indicators", "/indicators/assignments", "/tasks").routes
    shown = nav.shown(routes, {"viewer"}, "/indicators/assignments")
    assert [(e.href, current) for e, current in shown.pages] == [
        ("/indicators", False),
        ("/indicators/assignments", True),
    ]
    # "/tasksfoo" is not under "/tasks"
    assert not any(current for _, _, current in nav.shown(routes, {"viewer"}, "/tasksfoo").sections)


def test_the_commendation_register_is_a_page_of_the_assessment_and_a_statement_belongs_to_it() -> None:
    routes = app_with("/assessment", "/commendations", "/statements/{statement_id}").routes
    shown = nav.shown(routes, {"viewer"}, "/commendations")
    assert [(s.key, current) for s, _, current in shown.sections] == [("nav.section.assessment", True)]
    assert [(e.href, current) for e, current in shown.pages] == [("/assessment", False), ("/commendations", True)]
    statement = nav.shown(routes, {"viewer"}, "/statements/12")
    assert [(e.href, current) for e, current in statement.pages] == [("/assessment", True), ("/commendations", False)]
