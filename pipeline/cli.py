"""The `pipeline` command: run the nightly flow over sources, or ingest local files."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from pipeline.config import BUNDLED_SOURCES, LIMIT_KEYS, Source, load_sources, parse_limits
from pipeline.errors import InputError, PipelineError
from pipeline.storage.locations import Location, flow_location, parse_location

DEFAULT_CRON = "0 2 * * *"  # 02:00 every night


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date (YYYY-MM-DD): {text!r}") from exc


def _location(text: str) -> Location:
    try:
        return parse_location(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


RAW_HELP = "raw snapshots: a folder or s3://bucket/prefix (default: raw/)"
CURATED_HELP = "curated Parquet tables: a folder or s3://bucket/prefix (default: curated/)"


def _raw(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--raw-dir", type=_location, default=Path("raw"), help=RAW_HELP)


def _common(parser: argparse.ArgumentParser) -> None:
    _raw(parser)
    _curated(parser)
    parser.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="reference date for dates written without a year (default: when the page was "
        "fetched, or the file's modification time)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (also the source of `pipeline --help`)."""
    parser = argparse.ArgumentParser(
        prog="pipeline", description="Children's services recruitment pipeline: careers pages in, curated Parquet out."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run", help="run the nightly flow over the configured sources (default: the bundled samples, offline)"
    )
    run.add_argument(
        "--sources",
        type=Path,
        default=None,
        help=f"sources file (default: {BUNDLED_SOURCES.name} of the bundled samples)",
    )
    _common(run)
    ingest = commands.add_parser(
        "ingest", help="run the same flow over local .html, .htm or .txt files or folders (adds to the source)"
    )
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--source-id", default="local", help="source id recorded for these files (default: local)")
    ingest.add_argument("--employer", default=None, help="employer of these pages, if known")
    _common(ingest)
    for command in (run, ingest):
        limits = command.add_argument_group("limits on each document (default: the sources file's limits:)")
        limits.add_argument("--max-bytes", type=int, metavar="N", help="bytes read (default 5,000,000)")
        limits.add_argument("--max-chars", type=int, metavar="N", help="characters of text extracted (1,000,000)")
        limits.add_argument(
            "--max-depth", type=int, metavar="N", help="HTML element depth before reading as text (255, at most 900)"
        )
        limits.add_argument(
            "--max-extract-seconds", type=float, metavar="S", help="time extracting one page before rejecting it (60)"
        )
        command.add_argument(
            "--runner",
            choices=["default", "dask"],
            default="default",
            help="task runner: Prefect's default (threads) or Dask (prefect-dask; extraction on Dask workers)",
        )
        command.add_argument(
            "--dask-address",
            default=None,
            metavar="tcp://HOST:8786",
            help="an existing Dask scheduler (default with --runner dask: a local cluster of --dask-workers)",
        )
        command.add_argument(
            "--dask-workers", type=int, default=2, metavar="N", help="workers of the local Dask cluster (default 2)"
        )
        command.add_argument(
            "--verbose",
            action="store_true",
            help="show Prefect's own log (hidden by default; progress lines are always shown)",
        )
        command.add_argument(
            "--reextract",
            action="store_true",
            help="extract every page again, even those unchanged since they were last read (after an upgrade)",
        )
    serve = commands.add_parser(
        "serve",
        help="serve the nightly flow on a cron schedule; needs a Prefect server (prefect server start) "
        "and PREFECT_API_URL",
    )
    serve.add_argument("--sources", type=Path, default=None, help="sources file (default: the bundled samples)")
    _raw(serve)
    _curated(serve)
    serve.add_argument(
        "--cron", default=DEFAULT_CRON, help=f"when to run, a cron expression (default: '{DEFAULT_CRON}')"
    )
    serve.add_argument(
        "--timezone", default="Europe/London", help="time zone of the cron expression (default: Europe/London)"
    )
    serve.add_argument("--name", default="nightly", help="deployment name (default: nightly)")
    evaluate = commands.add_parser(
        "eval", help="score the flow against labelled pages: precision, recall and F1 per field, with floors"
    )
    evaluate.add_argument("labels", type=Path, metavar="LABELS.jsonl", help="one JSON object per labelled page")
    evaluate.add_argument(
        "pages_dirs", type=Path, nargs="+", metavar="PAGES_DIR", help="folder(s) holding the labelled pages"
    )
    evaluate.add_argument(
        "--floors",
        type=Path,
        default=None,
        help="pinned minimum F1 per field (default: floors.yaml beside the labels file)",
    )
    evaluate.add_argument(
        "--as-of",
        type=_date,
        default=None,
        metavar="DATE",
        help="reference date for dates without a year (default: as_of in the floors file)",
    )
    evaluate.add_argument(
        "--split",
        default=None,
        metavar="NAME",
        help="score only the labels of this split (e.g. dev), so held-out pages stay unseen while developing",
    )
    evaluate.add_argument(
        "--worst", type=int, default=8, metavar="N", help="list the N pages with most errors (default: 8)"
    )
    _output_commands(commands)
    dictionary = commands.add_parser("dictionary", help="write the data dictionary generated from the schemas")
    dictionary.add_argument("--output", type=Path, default=None, help="file to write (default: print)")
    return parser


def _privacy(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--redact-personal",
        dest="include_personal",
        action="store_false",
        help="leave out names of individuals, personal email addresses and mobile numbers (the default)",
    )
    group.add_argument(
        "--include-personal", dest="include_personal", action="store_true", help="keep personal data (opt in)"
    )
    parser.set_defaults(include_personal=False)


def _curated(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--curated-dir", type=_location, default=Path("curated"), help=CURATED_HELP)


def _output_commands(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report", help="write a static HTML monitoring report of the curated history (opens with no network)"
    )
    _curated(report)
    report.add_argument("--out", type=Path, default=Path("report"), help="folder to write (default: report/)")
    report.add_argument("--since", type=_date, default=None, metavar="DATE", help="only nights on or after DATE")
    _privacy(report)
    export = commands.add_parser(
        "export", help="export the curated tables as csv or xlsx, or open vacancies as schema.org JobPosting (jsonld)"
    )
    export.add_argument("format", choices=["csv", "xlsx", "jsonld"])
    _curated(export)
    export.add_argument("--out", type=Path, default=Path("exports"), help="folder to write (default: exports/)")
    export.add_argument(
        "--table", action="append", default=None, metavar="T", help="a table to export (repeat; default: all)"
    )
    _privacy(export)
    demo = commands.add_parser(
        "demo",
        help="generate synthetic nights through the real pipeline, clearly marked as demo data, and report them",
    )
    demo.add_argument("--out", type=Path, default=Path("demo"), help="folder for the demo (default: demo/)")
    demo.add_argument("--nights", type=int, default=84, help="nights to generate (default: 84)")
    demo.add_argument(
        "--last-night", type=_date, default=None, metavar="DATE", help="the last night (default: today, UTC)"
    )


def _outputs(args: argparse.Namespace) -> int:
    """report, export and demo: people-facing outputs of the curated data."""
    if args.command == "report":
        from pipeline.outputs.report import write_report

        print(f"report: {write_report(args.curated_dir, args.out, args.since, args.include_personal)}")
    elif args.command == "export":
        from pipeline.outputs.exports import export_csv, export_xlsx
        from pipeline.outputs.postings import export_jsonld

        if args.format == "jsonld":
            if args.table:
                raise PipelineError("--table does not apply to jsonld (it exports open vacancies)")
            written = export_jsonld(args.curated_dir, args.out, args.include_personal)
        else:
            export = export_csv if args.format == "csv" else export_xlsx
            written = export(args.curated_dir, args.out, args.table, args.include_personal)
        print("\n".join(f"wrote {path}" for path in written))
    else:
        from pipeline.outputs.demo import run_demo
        from pipeline.outputs.report import write_report

        curated = run_demo(args.out, args.nights, args.last_night, log=print)
        print(f"demo report: {write_report(curated, args.out / 'report')}")
    return 0


def _sources(args: argparse.Namespace) -> list[Source]:
    if args.command in ("run", "serve"):
        sources = load_sources(args.sources or BUNDLED_SOURCES)
    elif not any(path.exists() for path in args.paths):
        raise PipelineError(f"no such file or directory: {', '.join(str(p) for p in args.paths)}")
    else:
        sources = [Source(args.source_id, args.employer, tuple(args.paths), additive=True)]
    given = {key: getattr(args, key, None) for key in LIMIT_KEYS}
    return [replace(s, limits=parse_limits(given, "command line", s.limits)) for s in sources]


def _run(args: argparse.Namespace, sources: list[Source]) -> int:
    """run and ingest. ingest exits 1 when any input was rejected (stderr counts them per stage); run exits 1
    only when a local input could not be read (page failures are logged without failing the night)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # no telemetry from embedded runs
    if not args.verbose:
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # Prefect's own log; progress is ours
    from flows.nightly import dask_flow, nightly_flow  # Prefect is imported only for commands that run the flow

    dask = args.runner == "dask" or args.dask_address is not None
    flow = dask_flow(args.dask_address, args.dask_workers) if dask else nightly_flow
    summary = flow(
        sources,
        str(args.raw_dir),
        str(args.curated_dir),
        args.as_of,
        args.reextract,
        echo=not args.verbose,
        dask_workers=args.dask_workers if dask else 0,
    )
    print(summary.render())
    if args.command == "ingest":
        if summary.rejects_by_stage:
            stages = ", ".join(f"{stage} {count}" for stage, count in sorted(summary.rejects_by_stage.items()))
            total = sum(summary.rejects_by_stage.values())
            print(f"error: {total} input(s) rejected ({stages}); each is in the rejects table", file=sys.stderr)
            return 1
        return 0
    missing = [r for r in summary.reject_reasons if ": acquire: " in r]
    if missing:
        print(f"error: {len(missing)} input(s) could not be read (recorded in the rejects table)", file=sys.stderr)
        return 1
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Register the deployment with its cron schedule on the Prefect server and run its flow runs."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.schedules import Cron
    from prefect.settings import PREFECT_API_URL

    try:
        CronSchedule(cron=args.cron, timezone=args.timezone)
    except ValueError as exc:
        reason = next((line.strip() for line in str(exc).splitlines() if "Value error" in line), "invalid")
        raise PipelineError(f"bad schedule {args.cron!r} in {args.timezone}: {reason}") from exc
    if not PREFECT_API_URL.value():
        raise PipelineError(
            "serve needs a Prefect server: start one with `prefect server start` and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    from flows.nightly import scheduled_nightly

    parameters = {
        "sources_file": str((args.sources or BUNDLED_SOURCES).resolve()),
        "raw_dir": flow_location(args.raw_dir),
        "curated_dir": flow_location(args.curated_dir),
    }
    scheduled_nightly.serve(name=args.name, schedules=[Cron(args.cron, timezone=args.timezone)], parameters=parameters)
    return 0


def _eval(args: argparse.Namespace) -> int:
    from pipeline.evaluation import below_floors, load_floors, load_labels, render, score_labels, splits_of

    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    floors_path = args.floors or args.labels.with_name("floors.yaml")
    floors = load_floors(floors_path) if floors_path.exists() else None
    for folder in args.pages_dirs:
        if not folder.is_dir():
            raise PipelineError(f"no such folder: {folder}")
    labels = load_labels(args.labels)
    if args.split is not None:
        labels = [label for label in labels if label.get("split") == args.split]
        if not labels:
            raise PipelineError(f"no labels in split {args.split!r}")
    from pipeline.eval_flow import predict

    predicted = predict(labels, args.pages_dirs, args.as_of or (floors.as_of if floors else None))
    sections = [(args.split, labels)] if args.split else [(None, labels)]
    if args.split is None:
        sections += [(name, [x for x in labels if x.get("split") == name]) for name in splits_of(labels)]
    failures: list[str] = []
    for name, part in sections:
        report = score_labels(part, predicted)
        pinned = (floors.splits.get(name, {}) if name else floors.overall) if floors else {}
        title = f"split {name}" if name else "all labelled pages"
        print(f"== {title}: {len(part)} pages, {sum(1 for x in part if x.get('roles'))} with roles")
        print(render(report, pinned, args.worst))
        print()
        failures += below_floors(report, pinned, name or "")
        most = floors.max_no_vacancy_false_positives if floors else None
        if most is not None and len(report.no_vacancy_false_positives) > most:
            failures.append(f"{title}: {len(report.no_vacancy_false_positives)} pages without vacancies got some")
    if failures:
        print(f"error: below the pinned floor: {'; '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `pipeline` console script."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "dictionary":
            from pipeline.load.dictionary import render_dictionary

            text = render_dictionary()
            if args.output:
                args.output.write_text(text, encoding="utf-8")
            else:
                print(text)
            return 0
        if args.command == "eval":
            return _eval(args)
        if args.command in ("report", "export", "demo"):
            return _outputs(args)
        sources = _sources(args)  # bad input fails fast, before Prefect is imported
        if args.command == "serve":
            return _serve(args)
        return _run(args, sources)
    except PipelineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
