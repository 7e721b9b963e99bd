"""The history store's commands (history-contract.md): ``history``, ``pin``/``unpin``, ``accept``/``unaccept``,
``decisions`` and ``prune``; and the console's "what changed" lines after an audit."""

from __future__ import annotations

import argparse
import json
from typing import Any

from oitcheck.argtypes import count, iso_date
from oitcheck.checks.decisions import ACCEPT, PIN
from oitcheck.errors import BadInput

COMMANDS = ("history", "pin", "unpin", "accept", "unaccept", "decisions", "prune")


def add_store_options(parser: argparse.ArgumentParser, default: str) -> None:
    parser.add_argument("--db", metavar="URL", help="history database: a SQLite file path, sqlite:///PATH or "
                        f"postgresql://USER@HOST:PORT/DB (default $OITCHECK_DB, else {default})")


def add_commands(commands: argparse._SubParsersAction) -> None:
    default = "~/.local/share/oitcheck/history.sqlite"
    history = commands.add_parser("history", help="an agency's past audits, newest first")
    history.add_argument("agency", metavar="URL_OR_NAME", help="the agency: its website address or name")
    history.add_argument("--json", action="store_true", help="as JSON")
    history.add_argument("--limit", type=count, help="at most this many audits")
    pin = commands.add_parser("pin", help="pin ITEM's evidence: the URL submitted in ITAS, re-verified every run")
    pin.add_argument("url", help="the agency: its website address as audited")
    pin.add_argument("item", help="item id of the checklist, e.g. o12")
    pin.add_argument("evidence_url", help="the URL submitted in ITAS for the item")
    pin.add_argument("--note", default="", help="why this URL (shown with the pin)")
    unpin = commands.add_parser("unpin", help="remove ITEM's pinned evidence")
    unpin.add_argument("url", help="the agency: its website address as audited")
    unpin.add_argument("item", help="item id of the checklist, e.g. o12")
    accept = commands.add_parser("accept", help="accept a finding (listed apart, out of the fix list; the score "
                                 "is unchanged)")
    accept.add_argument("url", help="the agency: its website address as audited")
    accept.add_argument("item", help="item id of the checklist, e.g. o12")
    accept.add_argument("code", nargs="?", help="finding code (default: every finding of the item)")
    accept.add_argument("finding_url", nargs="?", help="the finding's URL (default: any)")
    accept.add_argument("--reason", required=True, help="why the finding is accepted (shown in the report)")
    accept.add_argument("--until", type=iso_date, help="last day it applies (YYYY-MM-DD; default: until removed)")
    unaccept = commands.add_parser("unaccept", help="remove accepted findings of ITEM (of CODE, at FINDING_URL)")
    unaccept.add_argument("url", help="the agency: its website address as audited")
    unaccept.add_argument("item", help="item id of the checklist, e.g. o12")
    unaccept.add_argument("code", nargs="?", help="finding code (default: every accepted finding of the item)")
    unaccept.add_argument("finding_url", nargs="?", help="the finding's URL (default: any)")
    listing = commands.add_parser("decisions", help="an agency's pinned evidence and accepted findings")
    listing.add_argument("url", help="the agency: its website address as audited")
    listing.add_argument("--json", action="store_true", help="as JSON")
    prune = commands.add_parser("prune", help="drop old audits the retention policy no longer keeps")
    prune.add_argument("--keep-days", type=count, default=30, help="keep every audit this many days (default 30)")
    prune.add_argument("--keep-weeks", type=count, default=52,
                       help="then the newest of each week for this many weeks (default 52)")
    prune.add_argument("--keep-months", type=count, default=0,
                       help="then the newest of each month for this many months (default 0: for ever)")
    for parser in (history, pin, unpin, accept, unaccept, listing, prune):
        add_store_options(parser, default)
    for parser in (pin, accept):
        parser.add_argument("--checklist", help="the layout ITEM is numbered in (default: the agency's last "
                            "audit's, else this year's general layout)")


def run(args: argparse.Namespace) -> int:
    from oitcheck.store import open_store

    store = open_store(args.db)
    try:
        return {"history": show_history, "pin": pin, "unpin": unpin, "accept": accept, "unaccept": unaccept,
                "decisions": show_decisions, "prune": prune}[args.command](store, args)
    finally:
        store.close()


def _item_key(store: Any, url: str, item: str, checklist: str | None) -> tuple[str, str]:
    """The layout ITEM is numbered in and the item's stable key there; BadInput naming the layout's items when it
    has none."""
    from oitcheck.checks.checklist import choose, load
    from oitcheck.fiscal import audit_dates

    layout = load(checklist or store.latest_checklist(url) or choose("general", audit_dates(None, None)[1])
                  .checklist)
    try:
        return layout.id, layout.item(item.lower()).key
    except KeyError:
        raise BadInput(f"no item {item!r} in {layout.id} (items {layout.items[0].id}-{layout.items[-1].id}); "
                       "use --checklist for another layout") from None


def _url(text: str) -> str:
    from oitcheck.net import normalise_start_url

    return normalise_start_url(text)


def pin(store: Any, args: argparse.Namespace) -> int:
    url, item = _url(args.url), args.item.lower()
    layout, key = _item_key(store, url, item, args.checklist)
    number = store.add_decision(url, PIN, item, key, target=_url(args.evidence_url), text=args.note)
    print(f"pinned {item} ({key} in {layout}) of {url}: {_url(args.evidence_url)} (decision {number})")
    return 0


def accept(store: Any, args: argparse.Namespace) -> int:
    url, item = _url(args.url), args.item.lower()
    if not args.reason.strip():
        raise BadInput("--reason must say why the finding is accepted")
    layout, key = _item_key(store, url, item, args.checklist)
    number = store.add_decision(url, ACCEPT, item, key, code=args.code, target=args.finding_url and
                                _url(args.finding_url), text=args.reason.strip(), until=args.until)
    what = args.code or "every finding"
    print(f"accepted {what} of {item} ({key} in {layout}) of {url}" + (f" until {args.until}" if args.until else "")
          + f" (decision {number})")
    return 0


def unpin(store: Any, args: argparse.Namespace) -> int:
    removed = store.remove_decision(_url(args.url), PIN, item=args.item.lower())
    if not removed:
        raise BadInput(f"no pinned evidence for {args.item} of {args.url}")
    print(f"unpinned {args.item.lower()}")
    return 0


def unaccept(store: Any, args: argparse.Namespace) -> int:
    removed = store.remove_decision(_url(args.url), ACCEPT, item=args.item.lower(), code=args.code,
                                    target=args.finding_url and _url(args.finding_url))
    if not removed:
        raise BadInput(f"no accepted finding of {args.item} of {args.url} matches")
    print(f"removed {removed} accepted finding(s)")
    return 0


def show_decisions(store: Any, args: argparse.Namespace) -> int:
    found = store.decisions(_url(args.url))
    if args.json:
        print(json.dumps([d.to_json() for d in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("no decisions")
    for d in found:
        if d.kind == PIN:
            print(f"{d.id:>4} pin     {d.item:<7} {d.url}" + (f"  ({d.text})" if d.text else ""))
        else:
            print(f"{d.id:>4} accept  {d.item:<7} {d.code or '*'} {d.url or ''}  until {d.until or '-'}: {d.text}")
    return 0


def show_history(store: Any, args: argparse.Namespace) -> int:
    data = store.history(args.agency, args.limit)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    agency = data["agency"]
    print(f"{agency['name']} ({agency['key']}): {len(data['runs'])} audits")
    for run in data["runs"]:
        oit = "-" if run["oit"] is None else f"{run['oit']:.2f}"
        counts = run["counts"]
        changed = ", ".join(f"{c['id']} {c['from']}->{c['to']}" for c in run["changed"])
        print(f"{run['finished_at']}  {run['checklist']:<13} {run['year']}  OIT {oit:>6}  pass {counts['pass']} "
              f"partial {counts['partial']} fail {counts['fail']} unknown {counts['unknown']}"
              + (f"  changed: {changed}" if changed else ""))
    return 0


def prune(store: Any, args: argparse.Namespace) -> int:
    from oitcheck.fiscal import today
    from oitcheck.store.retention import Retention

    removed = store.prune(today(), Retention(args.keep_days, args.keep_weeks, args.keep_months))
    print(f"pruned {removed} audits")
    return 0


def change_lines(report: dict[str, Any]) -> list[str]:
    """What changed since the last audit, for the console (nothing on a first audit)."""
    changes = report.get("changes")
    if not changes:
        return []
    delta = changes["oit_delta"]
    if not any(changes[k] for k in ("fixed", "regressed", "changed", "new_broken_links", "fixed_broken_links")):
        return [f"no change since {changes['since']}" + ("" if not delta else f" but OIT {delta:+.2f}")]
    lines = [f"since {changes['since']}: OIT " + ("-" if delta is None else f"{delta:+.2f}")
             + f"; {len(changes['fixed'])} fixed, {len(changes['regressed'])} regressed, "
             f"{len(changes['changed'])} changed; {len(changes['new_broken_links'])} new broken links, "
             f"{len(changes['fixed_broken_links'])} fixed"]
    for entry in changes["regressed"]:
        codes = ", ".join(entry.get("codes", ()))
        lines.append(f"regressed: {entry['id']} {entry['from']} -> {entry['to']}" + (f" ({codes})" if codes else ""))
    lines += [f"fixed: {e['id']} {e['from']} -> {e['to']}" for e in changes["fixed"]]
    lines += [f"changed: {e['id']} {e['from']} -> {e['to']}" for e in changes["changed"]]
    return lines
