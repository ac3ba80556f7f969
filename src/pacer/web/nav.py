"""The main navigation: sections of pages, each page shown to the roles that use it and only once
its route exists, so that a feature adds its pages here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.routing import iter_route_contexts

HQ = frozenset({"group_admin", "hq_analyst"})


@dataclass(frozen=True)
class Entry:
    key: str  # the message naming it
    href: str
    roles: frozenset[str] | None = None  # None: everyone signed in
    below: tuple[str, ...] = ()  # paths under href that belong to another entry
    also: tuple[str, ...] = ()  # other paths whose pages belong to this entry (a record's own page)

    def holds(self, path: str) -> bool:
        inside = any(path == p or path.startswith(p.rstrip("/") + "/") for p in (self.href, *self.also))
        return inside and not any(path.startswith(p) for p in self.below)


@dataclass(frozen=True)
class Section:
    key: str
    entries: tuple[Entry, ...]


SECTIONS = (
    Section("nav.section.analysis", (Entry("nav.cockpit", "/cockpit"),)),
    Section(
        "nav.section.collection",
        (
            Entry("nav.submissions", "/submissions", below=("/submissions/monitor",)),
            Entry("nav.monitor", "/submissions/monitor", HQ),
            Entry("nav.import_figures", "/imports/figures", HQ),
        ),
    ),
    Section(
        "nav.section.followup",
        (
            Entry("nav.meetings", "/meetings"),
            Entry("nav.tasks", "/tasks", below=("/tasks/board", "/tasks/bulletin", "/tasks/mine")),
            Entry("nav.my_tasks", "/tasks/mine"),
            Entry("nav.board", "/tasks/board"),
            Entry("nav.bulletin", "/tasks/bulletin"),
        ),
    ),
    Section(
        "nav.section.quality",
        (
            Entry("nav.problems", "/quality/problems"),
            Entry("nav.pareto", "/quality/pareto"),
            Entry("nav.spc", "/spc"),
        ),
    ),
    Section(
        "nav.section.assessment",
        (Entry("nav.assessment", "/assessment", also=("/statements",)), Entry("nav.commendations", "/commendations")),
    ),
    Section("nav.section.reports", (Entry("nav.reports", "/reports"), Entry("nav.jobs", "/jobs"))),
    Section(
        "nav.section.configuration",
        (
            Entry("nav.indicators", "/indicators", below=("/indicators/assignments",)),
            Entry("nav.assignments", "/indicators/assignments"),
            Entry("nav.targets", "/targets"),
            Entry("nav.proposals", "/target-proposals", HQ | {"unit_approver"}),
        ),
    ),
    Section(
        "nav.section.admin",
        (
            Entry("nav.admin", "/admin/users", frozenset({"group_admin"})),
            Entry("nav.org", "/admin/org"),
            Entry("nav.people", "/admin/people"),
            Entry("nav.eliminations", "/admin/eliminations", HQ | {"unit_reporter"}),
            Entry("nav.audit", "/audit", HQ | {"unit_approver"}),
            Entry("nav.periods", "/admin/periods", HQ),
            Entry("nav.settings", "/admin/settings", frozenset({"group_admin"})),
        ),
    ),
)


@dataclass(frozen=True)
class Shown:
    """The sections a viewer sees on a page, the current one, and its pages."""

    sections: list[tuple[Section, Entry, bool]]  # section, where its link goes, whether current
    pages: list[tuple[Entry, bool]]  # the current section's pages, when it has more than one


_known: dict[tuple[int, int], frozenset[str]] = {}


def _paths(routes: list[Any]) -> frozenset[str]:
    """The paths of the application's pages (kept per routing table, which is built once)."""
    key = (id(routes), len(routes))
    if key not in _known:
        found = iter_route_contexts(routes)
        _known[key] = frozenset(r.path for r in found if r.path and "GET" in (r.methods or ()))
    return _known[key]


def shown(routes: list[Any], roles: frozenset[str] | set[str], path: str) -> Shown:
    exists = _paths(routes)
    sections: list[tuple[Section, Entry, bool]] = []
    pages: list[tuple[Entry, bool]] = []
    for section in SECTIONS:
        entries = [e for e in section.entries if e.href in exists and (e.roles is None or e.roles & set(roles))]
        if not entries:
            continue
        current = any(e.holds(path) for e in entries)
        sections.append((section, entries[0], current))
        if current and len(entries) > 1:
            pages = [(e, e.holds(path)) for e in entries]
    return Shown(sections, pages)
