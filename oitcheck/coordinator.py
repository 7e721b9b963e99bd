"""``audit-many --scrapyd URL[,URL...] --db postgresql://...``: the coordinator of a run spread over Scrapyd
nodes.

The run's agencies are jobs in the shared PostgreSQL store (``oitcheck.store.jobs``). Each round the
coordinator asks every node for its free slots (``daemonstatus.json``: ``--jobs`` slots per node, less its
running and pending jobs), claims that many queued jobs for it (CSV order, one per server address at once,
``FOR UPDATE SKIP LOCKED``) and schedules each as the spider ``audit`` of the Scrapyd project ``oitcheck``.
It tracks them with ``listjobs.json``: a job its node says ended (or no longer knows) without finishing in the
store is queued again at once; one whose node stopped answering, or that started and stopped beating, is queued
again once its heartbeat is older than the stale limit (so an audit still running on a cut-off node is not doubled
on its server). A finished job's report files come out of the store into ``OUT/<agency folder>``, and its
entry is built exactly as for a local run (``many.outcome_entry``), so the summary is the same.
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from oitcheck.agencies import Agency, AgencyStatus, identity
from oitcheck.children import ChildOutcome
from oitcheck.errors import BadInput
from oitcheck.report.writers import atomic_write
from oitcheck.store.jobs import MAX_ATTEMPTS, Finished, Jobs, JobSpec, JobState

if TYPE_CHECKING:
    from oitcheck.audit import AuditRequest
    from oitcheck.runcontrol import ManyRun

PROJECT = "oitcheck"  # the Scrapyd project (scrapyd.conf: [settings] oitcheck = oitcheck.node.settings)
SPIDER = "audit"
POLL_S = float(os.environ.get("OITCHECK_COORDINATOR_POLL", "1"))  # between rounds
STALE_S = float(os.environ.get("OITCHECK_JOB_STALE", "60"))  # no heartbeat for this long: the attempt is lost
HTTP_TIMEOUT_S = 10.0


def node_urls(text: str) -> list[str]:
    """``--scrapyd``'s comma-separated node URLs (http or https, no trailing slash); BadInput otherwise."""
    urls = [u.strip().rstrip("/") for u in text.split(",") if u.strip()]
    for url in urls:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not urllib.parse.urlsplit(url).netloc:
            raise BadInput(f"--scrapyd {shown(url)!r} is not a Scrapyd URL like http://127.0.0.1:6800")
    if not urls or len(set(urls)) != len(urls):
        raise BadInput("--scrapyd needs one or more different Scrapyd URLs, separated by commas")
    return urls


def shown(url: str) -> str:
    """A node's URL for logs and messages: without its password."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:***@{_host(parts)}"))


def _host(parts: urllib.parse.SplitResult) -> str:
    """The URL's host and port as written, without its credentials (an IPv6 address keeps its brackets)."""
    return parts.netloc.rpartition("@")[2]


def require_postgresql(db: str | None) -> None:
    """The nodes share the run through PostgreSQL: one line, exit 2, for SQLite or --no-history."""
    if db is None or not db.startswith("postgresql"):
        given = "--no-history" if db is None else db.split("://", 1)[0]
        raise BadInput(f"--scrapyd needs a PostgreSQL history database (--db postgresql://USER@HOST:PORT/DB) that "
                       f"every node reaches, not {given}")


@dataclass
class Node:
    """One Scrapyd instance as the coordinator last saw it."""

    url: str
    slots: int
    answering: bool = True
    free: int = 0
    known: set[str] = field(default_factory=set)  # its pending and running job ids
    ended: set[str] = field(default_factory=set)  # its finished job ids

    def _get(self, endpoint: str) -> dict[str, Any] | None:
        return _call(f"{self.url}/{endpoint}")

    def refresh(self) -> None:
        """Free slots and job lists; a node that does not answer is not given work until it answers again."""
        status = self._get("daemonstatus.json")
        listed = self._get(f"listjobs.json?project={PROJECT}") if status is not None else None
        self.answering = status is not None and listed is not None
        if status is None or listed is None:
            self.free = 0
            return
        self.free = max(0, self.slots - int(status.get("running", 0)) - int(status.get("pending", 0)))
        self.known = {j["id"] for kind in ("pending", "running") for j in listed.get(kind, ())}
        self.ended = {j["id"] for j in listed.get("finished", ())}

    def schedule(self, job: str, args: dict[str, str]) -> bool:
        answer = _call(f"{self.url}/schedule.json", {"project": PROJECT, "spider": SPIDER, "jobid": job, **args})
        return answer is not None


def _call(url: str, form: dict[str, str] | None = None) -> dict[str, Any] | None:
    """A Scrapyd API call (``user:password@`` in the node's URL: HTTP basic authentication, as Scrapyd's
    ``username``/``password`` ask); None when the node does not answer or answers with an error."""
    parts = urllib.parse.urlsplit(url)
    headers = {}
    if parts.username is not None:
        secret = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
        url = urllib.parse.urlunsplit(parts._replace(netloc=_host(parts)))
    data = None if form is None else urllib.parse.urlencode(form).encode()
    try:
        request = urllib.request.Request(url, data=data, headers=headers)
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S) as response:  # noqa: S310 - http(s) only
            answer = json.loads(response.read(1_000_000))
    except (OSError, ValueError):  # refused, timed out, reset, not JSON
        return None
    return answer if isinstance(answer, dict) and answer.get("status") == "ok" else None


def check_nodes(urls: list[str], slots: int) -> list[Node]:
    """The nodes that answer with the oitcheck project (a warning on stderr for each other one, left out of the
    run); BadInput when none does."""
    nodes = [Node(url, slots) for url in urls]
    ready = [n for n in nodes if PROJECT in ((_call(f"{n.url}/listprojects.json") or {}).get("projects") or ())]
    if not ready:
        raise BadInput(f"no Scrapyd node at {', '.join(map(shown, urls))} answers with the project {PROJECT!r} "
                       "(see README: scrapy.cfg [settings] oitcheck = oitcheck.node.settings)")
    for node in nodes:
        if node not in ready:
            print(f"warning: Scrapyd node {shown(node.url)} does not answer with the project {PROJECT!r}: left "
                  "out of this run", file=sys.stderr)
    return ready


def scrapyd_job_id(run_id: int, job_id: int, attempt: int) -> str:
    return f"oitcheck-{run_id}-{job_id}-{attempt}"


def run_on_nodes(todo: list[Agency], everyone: list[Agency], out: Path, shared: AuditRequest,
                 time_limit: float | None, run: ManyRun, nodes: list[Node],
                 servers: dict[int, str]) -> Iterator[dict[str, Any]]:
    """The entries of ``todo``'s agencies as their jobs finish on the nodes (see the module's docstring)."""
    from oitcheck.many import agency_request, attempt_request

    assert run.store is not None and run.run_id is not None
    jobs = Jobs(run.store.engine, run.store.shown)
    run_id = run.run_id
    by_key = {identity(a): a for a in everyone}
    jobs.drop_queued(run_id, set(by_key))
    jobs.add(run_id, [JobSpec(identity(a), a.row, servers[a.row], agency_request(shared, a, out).to_json())
                      for a in todo])
    while True:
        for finished in jobs.finished(run_id):
            agency = by_key.get(finished.agency)
            if agency is None or finished.agency in run.finished:  # another CSV's job, or collected before a crash
                jobs.collected(finished.job_id)
                continue
            yield _collect(jobs, finished, agency, out, shared, time_limit)
            jobs.collected(finished.job_id)  # after the caller kept the entry in the run (its next read)
        if not jobs.pending(run_id):
            return
        for node in nodes:
            node.refresh()
        _requeue_lost(jobs, run, nodes)
        for node in nodes:
            for _ in range(node.free):
                claim = jobs.claim(run_id, shown(node.url))  # the job table never keeps a node's password
                if claim is None:
                    break
                agency = by_key[claim.agency]
                request = attempt_request(agency, out, shared, time_limit)
                args = {"request": request.to_json(), "job": str(claim.job_id), "attempt": str(claim.attempt),
                        "time_limit": str(time_limit or 0)}
                name = scrapyd_job_id(run_id, claim.job_id, claim.attempt)
                if node.schedule(name, args):
                    node.known.add(name)
                    run.log.write(f"start {agency.folder} {agency.url} on {shown(node.url)} attempt {claim.attempt}")
                else:
                    jobs.requeue(claim.job_id, claim.attempt, f"{shown(node.url)} refused the job")
                    node.answering, node.free = False, 0
                    break
        time.sleep(POLL_S)


def _requeue_lost(jobs: Jobs, run: ManyRun, nodes: list[Node]) -> None:
    """Queue again the attempts that can no longer finish: ended on their node without finishing, unknown to
    a node that answers (it restarted), or silent beyond the stale limit."""
    assert run.run_id is not None
    by_url = {shown(n.url): n for n in nodes}
    for live in jobs.live(None, STALE_S):  # read after the nodes' lists: an ended job finished before
        if live.run_id != run.run_id and not live.stale:
            continue  # a dead run's job still beating on its node: it finishes into that run and frees its server
        node = by_url.get(live.node) if live.run_id == run.run_id else None
        name = scrapyd_job_id(run.run_id, live.job_id, live.attempt)
        answering = node is not None and node.answering
        if answering and name not in node.known:
            why = "ended without finishing" if name in node.ended else "unknown to its node"
        elif live.stale and (not answering or live.state == JobState.RUNNING):
            # a job its node still queues has not started beating yet: only a silent node's is given up
            why = f"no heartbeat for {STALE_S:g} s" + ("" if answering else ", its node does not answer")
        else:
            continue
        if jobs.requeue(live.job_id, live.attempt, f"lost on {live.node}: {why}"):
            run.log.write(f"requeued job {live.job_id} (row {live.row}) attempt {live.attempt} on {live.node}: {why}")


def _collect(jobs: Jobs, finished: Finished, agency: Agency, out: Path, shared: AuditRequest,
             time_limit: float | None) -> dict[str, Any]:
    """A finished job's files into the agency's folder and its entry, as a local run's."""
    from oitcheck.many import agency_request, fresh_report, outcome_entry

    outcome = finished.outcome
    folder = out / agency.folder
    files = jobs.files(finished.job_id)
    for name, content in files.items():
        relative = PurePosixPath(name)
        if relative.is_absolute() or ".." in relative.parts:
            continue  # a node writes only names below the folder; anything else is not taken
        target = folder.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, content)
    request = replace(agency_request(shared, agency, out), token=outcome.get("token"))
    if outcome.get("lost"):
        entry = {**agency.entry(), "status": AgencyStatus.ERROR, "exit": None, "oit": None,
                 "error": f"{outcome.get('stderr') or 'lost'}; not audited after {MAX_ATTEMPTS} attempts"}
    else:
        done = ChildOutcome(outcome.get("returncode"), "", outcome.get("stderr") or "", bool(outcome.get("timed_out")))
        entry = outcome_entry(agency, request, done, fresh_report(folder / "report.json", request.token), time_limit)
    return entry
