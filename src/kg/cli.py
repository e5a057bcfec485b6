"""The ``kg`` command: build, validate, query, export and describe the knowledge graph.

Exit codes follow pySHACL's convention: 0 ok, 1 the data does not conform, 2 usage or load
error. Every error message says what to do next.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import ConfigurationError, KGError
from kg.settings import Settings

if TYPE_CHECKING:
    from kg.history import Entry
    from kg.stores.base import Store

app = typer.Typer(
    help="coop-kg: a linked-data knowledge graph of who funds what where.",
    no_args_is_help=True,
    add_completion=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Store directory (default: KG_STORE or ./.kg/store), oxigraph:PATH, memory, or "
        "sparql:URL (a SPARQL server's query endpoint; see docs/virtuoso.md).",
    ),
]


def _settings(store: str | None = None) -> Settings:
    settings = Settings()
    if store is not None:
        if store != "memory" and not store.startswith(("sparql:", "oxigraph:")):
            store = str(Path(store).resolve())
        settings = settings.model_copy(update={"store": store})
    return settings


@contextmanager
def _errors() -> Iterator[None]:
    """Turn our errors into a message and an exit code, in one place."""
    try:
        yield
    except KGError as exc:
        err.print("[bold red]error:[/]", end=" ")
        err.print(str(exc), markup=False, highlight=False, emoji=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def _progress() -> Callable[[str], None]:
    status = err.status("starting")
    status.start()

    def update(message: str) -> None:
        status.update(message)

    update.stop = status.stop  # type: ignore[attr-defined]
    return update


@app.command()
def build(
    store: StoreOption = None,
    force: Annotated[bool, typer.Option(help="Rebuild even if no input changed.")] = False,
) -> None:
    """Validate the ontology, shapes and data, and load them into the embedded store."""
    from kg.build import build as run_build

    with _errors():
        settings = _settings(store)
        progress = _progress()
        try:
            result = run_build(settings, force=force, progress=progress)
        finally:
            progress.stop()  # type: ignore[attr-defined]
        for warning in result.warnings:
            err.print(warning, highlight=False, markup=False)
        if result.skipped:
            out.print(f"store {result.store} is up to date ({result.seconds:.2f} s)")
            return
        total = sum(result.quads_per_graph.values())
        out.print(
            f"built {result.store or settings.store}: {total} quads in {len(result.quads_per_graph)} graphs, "
            f"{len(result.warnings)} warnings, {result.seconds:.2f} s"
        )


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Extra Turtle files to check together with the shipped data."),
    ] = None,
) -> None:
    """Check the data (and FILES) against the shapes: exit 0 conforms, 1 not, 2 cannot load."""
    from kg.build import assemble, check
    from kg.errors import DataNotConformingError
    from kg.sources import discover

    with _errors():
        settings = _settings()
        for path in files or []:
            if not path.is_file():
                raise ConfigurationError(f"{path} is not a file")
        inputs = discover(settings.root)
        assembled = assemble(inputs, extra=files or [])
        try:
            warnings = check(assembled, inputs)
        except DataNotConformingError as exc:
            out.print(exc.report_text, highlight=False, markup=False)
            for warning in exc.warnings:
                out.print(warning, highlight=False, markup=False, emoji=False)
            todos = sum(1 for w in exc.warnings if "] TODO " in w)
            err.print(f"[bold red]does not conform[/] ({todos} TODOs)")
            raise typer.Exit(1) from None
        for warning in warnings:
            out.print(warning, highlight=False, markup=False, emoji=False)
        todos = sum(1 for w in warnings if "] TODO " in w)
        out.print(
            f"conforms ({len(warnings)} warnings, {todos} TODOs, "
            f"{assembled.evidence} quotes anchored)"
        )


@contextmanager
def _open_store(store: str | None) -> Iterator[Store]:
    """Build the store if it is missing or stale, then open it read-only for one command.

    Read-only needs no lock, so queries work while `kg serve` holds the same store. A SPARQL
    server is opened as it is: `kg build --store sparql:...` loads it.
    """
    from kg.build import build as run_build
    from kg.stores import open_configured
    from kg.stores.oxigraph import OxigraphStore

    settings = _settings(store)
    opened: Store
    if settings.store.startswith("sparql:"):
        opened = open_configured(settings, read_only=True)
    elif settings.store_path() is None:
        opened = _built_in_memory(settings)
    else:
        opened = OxigraphStore(run_build(settings).store, read_only=True)
    try:
        yield opened
    finally:
        opened.close()


def _built_in_memory(settings: Settings) -> Store:
    """The shipped data in the in-memory store the settings name (``memory``: rdflib,
    ``oxigraph:memory``: pyoxigraph). Such a store lives as long as this process, so it is
    built here, in a scratch directory, and copied in; before, the build went nowhere and the
    command answered from an empty store."""
    import tempfile

    from kg.build import build as run_build
    from kg.stores.memory import MemoryStore
    from kg.stores.oxigraph import OxigraphStore

    with tempfile.TemporaryDirectory(prefix="kg-memory-") as folder:
        built = run_build(settings, store=Path(folder) / "store")
        assert built.store is not None
        if settings.store == "memory":
            return MemoryStore.copy_of(built.store)
        source = OxigraphStore(built.store, read_only=True)
        copy = OxigraphStore()
        copy.native.bulk_extend(source.native)
        source.close()
        return copy


@app.command()
def query(
    query_or_file: Annotated[
        str, typer.Argument(help="SPARQL text, a .rq file, or '-' for stdin.")
    ],
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="table|json|xml|csv|tsv, or an RDF format for graphs."),
    ] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SELECT, ASK, CONSTRUCT or DESCRIBE query (default graph: union of all graphs)."""
    from kg.results import serialize
    from kg.stores.base import AskResult, GraphResult, SelectResult

    with _errors():
        text = _query_text(query_or_file)
        with _open_store(store) as opened:
            result = opened.query(text)
        if format == "table":
            if isinstance(result, SelectResult):
                _print_table(result)
            elif isinstance(result, AskResult):
                out.print("yes" if result.value else "no")
            else:
                assert isinstance(result, GraphResult)
                sys.stdout.buffer.write(serialize(result, "turtle"))
            return
        sys.stdout.buffer.write(serialize(result, format))
        sys.stdout.flush()


def _query_text(query_or_file: str) -> str:
    if query_or_file == "-":
        return sys.stdin.read()
    path = Path(query_or_file)
    if query_or_file.endswith(".rq") or (len(query_or_file) < 256 and path.is_file()):
        if not path.is_file():
            raise ConfigurationError(f"query file {path} does not exist")
        return path.read_text(encoding="utf-8")
    return query_or_file


def _print_table(result: object) -> None:
    from kg._namespaces import PREFIXES
    from kg.stores.base import SelectResult

    assert isinstance(result, SelectResult)
    table = Table(*result.variables, show_lines=False)

    def show(term: object) -> str:
        if term is None:
            return ""
        text = str(term)
        for prefix, ns in PREFIXES.items():
            if text.startswith(ns):
                return f"{prefix}:{text[len(ns) :]}"
        return text

    for row in result.rows:
        table.add_row(*(show(t) for t in row))
    out.print(table)
    out.print(f"{len(result.rows)} rows")


@app.command()
def export(
    format: Annotated[
        str, typer.Option("--format", "-f", help="turtle|trig|nquads|ntriples|jsonld|rdfxml")
    ] = "trig",
    graph: Annotated[
        str | None, typer.Option("--graph", "-g", help="A named graph: slug or full IRI.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Export the whole dataset or one named graph."""
    from kg.export import get_format

    with _errors():
        get_format(format)
        with _open_store(store) as opened:
            graph_iri = _graph_iri(graph, opened.graphs()) if graph else None
            data = opened.dump(format, graph_iri)
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.write_bytes(data)
            err.print(f"wrote {len(data)} bytes to {output}")


def _graph_iri(name: str, graphs: list[str]) -> str:
    from kg._namespaces import GRAPH

    iri = name if "://" in name else str(GRAPH[name])
    if iri not in graphs:
        raise ConfigurationError(f"no named graph {name!r}; the store has: {', '.join(graphs)}")
    return iri


@app.command()
def stats(store: StoreOption = None) -> None:
    """Counts per named graph and per class, and evidence coverage."""
    from kg.queries import load_query

    with _errors(), _open_store(store) as opened:
        for title, name in (
            ("Named graphs", "stats-graphs"),
            ("Classes", "stats-classes"),
            ("Evidence coverage", "stats-evidence"),
            ("Descriptions", "stats-descriptions"),
        ):
            out.rule(title)
            _print_table(opened.query(load_query(name)))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    store: StoreOption = None,
) -> None:
    """Build the store if it is missing or stale, then serve SPARQL and the API over HTTP."""
    from kg.build import build as run_build

    with _errors():
        settings = _settings(store)
        if settings.store.startswith("sparql:"):
            # Someone else loads the server (or `kg build --store sparql:...` did): no build.
            err.print(f"serving {settings.store} on http://{host}:{port}/sparql")
        else:
            result = run_build(settings)
            state = "up to date" if result.skipped else "built"
            err.print(f"store {result.store} {state}; serving on http://{host}:{port}/sparql")
        from kg.api.server import serve as run_server

        run_server(settings, host, port)


import_app = typer.Typer(
    help="Load data files into named graphs of the store.", no_args_is_help=True
)
app.add_typer(import_app, name="import")


@import_app.command("rdf")
def import_rdf(
    file: Annotated[
        Path,
        typer.Argument(help="N-Triples (.nt), N-Quads (.nq), Turtle (.ttl) or TriG (.trig)."),
    ],
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            help="Graph to fill, slug or full IRI (default: a quad file's own graphs; for a "
            "triple file, the graph named after the file).",
        ),
    ] = None,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the check against the shapes.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Replace named graphs with an RDF file's content: exit 0 ok, 1 not conforming, 2 cannot load.

    The file's triples (with the store's nodes they point to) are checked against the shapes
    before anything changes; readers see the old graphs or the new ones, never a mix.
    """
    from kg.importer import Contract, default_graph, graph_iri
    from kg.importer import import_rdf as run_import
    from kg.stores.oxigraph import OxigraphStore

    with _errors():
        settings = _settings(store)
        if not file.is_file():
            raise ConfigurationError(f"{file} is not a file")
        target = graph_iri(graph) if graph else default_graph(file)
        path = _store_to_import_into(settings)
        contract = None if no_validate else Contract.load(settings)
        opened = OxigraphStore(path)
        started = datetime.now(UTC)
        try:
            with _phase_bars() as progress:
                result = run_import(
                    opened,
                    file,
                    graph=target,
                    contract=contract,
                    progress=progress,
                    max_bytes=settings.max_import_bytes,
                )
            sizes = {g: opened.count(g) for g in result.graphs}
        finally:
            opened.close()
        _record(settings, f"import rdf {file.name}", started, sizes, warnings=len(result.warnings))
        for warning in result.warnings:
            # emoji=False: rich would render the ":label:" of "rdfs:label: ..." as an emoji.
            err.print(warning, highlight=False, markup=False, emoji=False)
        names = [_short_graph(g) for g in result.graphs]
        where = ", ".join(names) if len(names) <= 3 else f"{len(names)} graphs ({names[0]}, ...)"
        timing = ", ".join(f"{phase} {s:.2f} s" for phase, s in result.seconds.items())
        check = f"{len(result.warnings)} warnings" if result.validated else "not validated"
        out.print(
            f"imported {file} into {where or 'the graphs it names'}: {result.quads:,} quads, {check}; "
            f"{result.derived:,} derived triples; {timing}",
            highlight=False,
            emoji=False,
        )


def _record(
    settings: Settings,
    operation: str,
    started: datetime,
    graphs: dict[str, int],
    *,
    backup: str | None = None,
    warnings: int = 0,
) -> None:
    """Add a write made from this command line to the history, as the operator's: whoever can
    run ``kg`` on the store's machine holds what the shared token stands for (the API's
    writes name their curator)."""
    from kg import curators, history

    history.record(
        settings.history_path(),
        curator=curators.OPERATOR,
        started=started,
        operation=operation,
        graphs=graphs,
        warnings=warnings,
        backup=backup,
    )


def _store_to_import_into(settings: Settings) -> Path:
    """The on-disk store an import writes to, built first if it does not exist yet."""
    path = settings.store_path()
    if path is None:
        raise ConfigurationError("imports need a store on disk; set --store or KG_STORE")
    if not path.is_dir():
        from kg.build import build as run_build

        status = _progress()
        try:
            run_build(settings, progress=status)
        finally:
            status.stop()  # type: ignore[attr-defined]
    return path


@import_app.command("iati")
def import_iati(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="IATI activity files (versions 1.01-1.05, 2.01-2.03), or directories: every "
            "*.xml in them, each into its own graph."
        ),
    ],
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            help="Graph to fill, slug or full IRI (default: iati-{file name}); one file only.",
        ),
    ] = None,
    partial: Annotated[
        bool,
        typer.Option(
            "--partial",
            help="Import the activities that can be mapped and report the others on stderr "
            "(default: a file with any malformed activity is not imported).",
        ),
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip the check against the shapes.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Replace one graph per file with its IATI activities: exit 0 ok, 1 malformed or not
    conforming, 2 refused or unreadable.

    Hostile files (a DTD or entity declaration, larger than KG_MAX_IMPORT_BYTES) are refused
    before parsing; the store changes only when a whole file is mapped and conforms.
    """
    from kg.iati_import import default_iati_graph, iati_files, summary
    from kg.iati_import import import_iati as run_import
    from kg.importer import Contract, graph_iri
    from kg.stores.oxigraph import OxigraphStore

    with _errors():
        settings = _settings(store)
        files = iati_files(paths)
        if graph and len(files) > 1:
            raise ConfigurationError(
                f"--graph names one graph, but {len(files)} files were given; leave it out to "
                "import each file into a graph of its own"
            )
        targets = [(f, graph_iri(graph) if graph else default_iati_graph(f)) for f in files]
        seen: dict[str, Path] = {}
        for file, target in targets:
            if target in seen:
                raise ConfigurationError(
                    f"{seen[target]} and {file} would both fill {_short_graph(target)}; "
                    "rename one, or import them one at a time with --graph"
                )
            seen[target] = file
        path = _store_to_import_into(settings)
        contract = None if no_validate else Contract.load(settings)
        worst = 0
        opened = OxigraphStore(path)
        try:
            for file, target in targets:
                started = datetime.now(UTC)
                try:
                    with _iati_bars(file) as (reading, phases):
                        result = run_import(
                            opened,
                            file,
                            graph=target,
                            imports_dir=settings.imports_path(),
                            data_dir=settings.data_dir,
                            max_bytes=settings.max_import_bytes,
                            contract=contract,
                            partial=partial,
                            progress=phases,
                            read_progress=reading,
                        )
                except KGError as exc:
                    if len(targets) == 1:
                        raise
                    _print_error(exc)
                    worst = max(worst, exc.exit_code)
                    continue
                _record(
                    settings,
                    f"import iati {file.name}",
                    started,
                    {result.graph: result.quads},
                    warnings=len(result.warnings),
                )
                if result.rejected:
                    err.print(
                        f"left out {result.rejected_activities:,} activities of {file}:",
                        highlight=False,
                    )
                    for line in result.rejected:
                        err.print(f"  {line}", highlight=False, markup=False, emoji=False)
                for warning in result.warnings:
                    err.print(warning, highlight=False, markup=False, emoji=False)
                seconds = result.seconds.get("read", 0.0)
                rate = result.tally.activities / seconds if seconds else 0.0
                check = (
                    f"validated, {len(result.warnings)} warnings"
                    if result.validated
                    else "not validated"
                )
                timing = ", ".join(f"{phase} {s:.2f} s" for phase, s in result.seconds.items())
                out.print(
                    f"imported {file} into {_short_graph(result.graph)}: {summary(result)}; "
                    f"{result.quads:,} quads, {check}; {result.derived:,} derived triples; "
                    f"{timing} ({rate:,.0f} activities/s read)",
                    highlight=False,
                    emoji=False,
                )
        finally:
            opened.close()
        if worst:
            raise typer.Exit(worst)


def _print_error(exc: KGError) -> None:
    err.print("[bold red]error:[/]", end=" ")
    err.print(str(exc), markup=False, highlight=False, emoji=False, soft_wrap=True)


@contextmanager
def _iati_bars(
    file: Path,
) -> Iterator[tuple[Callable[[int, int], None], Callable[[str, int, int | None], None]]]:
    """Progress on a terminal (bytes read, activities, activities/s, then the load phases);
    nothing when stderr is not a terminal."""
    if not err.is_terminal:

        def quiet(*_args: object) -> None:
            return None

        yield quiet, quiet
        return
    import time

    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<12}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bars:
        size = file.stat().st_size
        reading = bars.add_task(file.name[:12], total=size, detail="")

        def read(done: int, activities: int) -> None:
            rate = activities / max(time.perf_counter() - started, 1e-9)
            detail = f"{activities:,} activities, {rate:,.0f} activities/s"
            bars.update(reading, completed=done, detail=detail)

        def phase(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bars.add_task(name, total=total, detail="")
            bars.update(tasks[name], completed=done, total=total)

        yield read, phase


@contextmanager
def _phase_bars() -> Iterator[Callable[[str, int, int | None], None]]:
    """Progress bars on stderr, one per phase as it starts; safe to call from any thread."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TaskID,
        TextColumn,
        TimeElapsedColumn,
    )

    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<8}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bars:

        def update(phase: str, done: int, total: int | None) -> None:
            if phase not in tasks:
                tasks[phase] = bars.add_task(phase, total=total)
            bars.update(tasks[phase], completed=done, total=total)

        yield update


def _short_graph(iri: str) -> str:
    from kg._namespaces import GRAPH

    return iri.removeprefix(str(GRAPH)) if iri.startswith(str(GRAPH)) else iri


source_app = typer.Typer(
    help="Register source documents: keep the original, store its text, write the record.",
    no_args_is_help=True,
)
app.add_typer(source_app, name="source")


@source_app.command("add")
def source_add(
    file: Annotated[Path, typer.Argument(help="The document as received: .txt, .md, .html, .pdf.")],
    title: Annotated[str, typer.Option(help="The document's title, as it gives it.")],
    publisher: Annotated[
        list[str] | None,
        typer.Option(help="Who published it: an actor's slug, label or acronym (repeatable)."),
    ] = None,
    date: Annotated[
        str | None, typer.Option(help="When it was issued: YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    language: Annotated[str, typer.Option(help="ISO 639-1 code of its language.")] = "en",
    slug: Annotated[
        str | None, typer.Option(help="The slug (default: made from the title).")
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text|markdown|html|pdf (default: from the file)."),
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="What the document is and covers, in your words.")
    ] = None,
) -> None:
    """Register a document: original kept, text extracted and stored, record and graph minted."""
    from kg.intake import add_source

    with _errors():
        settings = _settings()
        result = add_source(
            settings.root,
            file,
            title=title,
            publisher=publisher or [],
            date=date,
            language=language,
            slug=slug,
            fmt=format,
            description=description,
            max_bytes=settings.max_document_bytes,
        )
        _print_registered(result)
        out.print(
            f"next: kg suggest {result.slug} -o drafts/{result.slug}.ttl, resolve its TODOs, "
            f"kg validate drafts/{result.slug}.ttl, kg publish drafts/{result.slug}.ttl",
            highlight=False,
        )


@source_app.command("reextract")
def source_reextract(
    slug: Annotated[str, typer.Argument(help="The document's slug.")],
    original: Annotated[
        Path | None,
        typer.Option(help="The file as received (default: the recorded original)."),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option("--format", "-f", help="text|markdown|html|pdf (default: from the file)."),
    ] = None,
) -> None:
    """Make a document's text again from its original and move every quote to the new text."""
    from kg.intake import reextract

    with _errors():
        settings = _settings()
        result = reextract(
            settings.root,
            slug,
            original=original,
            fmt=format,
            max_bytes=settings.max_document_bytes,
        )
        _print_registered(result)
        out.print(
            f"moved {result.moved_quotes} quotes in {len(result.changed_files)} files",
            highlight=False,
        )


@source_app.command("check")
def source_check() -> None:
    """Re-run every recorded extraction: exit 0 when each stored text is reproduced, else 1."""
    from kg.intake import verify

    with _errors():
        results = verify(_settings().root)
        for r in results:
            state = "reproduced" if r.reproduced else f"NOT reproduced: {r.problem}"
            version = r.recorded_version
            if r.version and r.version != r.recorded_version:
                version += f" (installed: {r.version})"
            out.print(f"{r.slug}: {r.extractor} {version}: {state}", highlight=False)
        if not all(r.reproduced for r in results):
            raise typer.Exit(1)


def _print_registered(result: object) -> None:
    from kg.intake import Registered

    assert isinstance(result, Registered)
    rendition = result.rendition
    out.print(
        f"{result.slug}: graph {result.graph}\n"
        f"  original  {result.original}\n"
        f"  text      {result.text} ({len(rendition.text):,} characters, {rendition.extractor.name} "
        f"extractor, {rendition.extractor.library} {rendition.version})\n"
        f"  record    {result.record}",
        highlight=False,
    )
    for note in rendition.notes:
        err.print(f"  note: {note}", highlight=False, markup=False)


@app.command()
def suggest(
    document: Annotated[
        str, typer.Argument(help="The document: its slug, or data/documents/SLUG.txt.")
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Draft file to write (default: stdout)."),
    ] = None,
) -> None:
    """Draft a document's graph: mentions, amounts, dates, candidate fundings with TODOs.

    Rules and the curated graph's own names only: nothing is fetched, no model is loaded.
    """
    from kg.suggest import suggest as run_suggest

    with _errors():
        slug = Path(document).stem if document.endswith(".txt") else document
        draft = run_suggest(_settings().root, slug)
        if output is None:
            sys.stdout.write(draft.turtle)
        else:
            if output.resolve().is_relative_to((_settings().root / "data").resolve()):
                raise ConfigurationError(
                    f"{output} is under data/: a draft stays outside the served graphs until "
                    "`kg publish` moves it there; write it to drafts/ for instance"
                )
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text(draft.turtle, encoding="utf-8")
        err.print(
            f"{slug}: {len(draft.mentions)} mentions of "
            f"{len({i for m in draft.mentions for i in m.iris})} known entities, "
            f"{len(draft.amounts)} amounts, {len(draft.dates)} dates and periods, "
            f"{len(draft.fundings)} candidate fundings, {draft.todos} TODOs, "
            f"{len({c[2] for c in draft.candidates})} candidate new entities"
            + (f"; wrote {output}" if output else ""),
            highlight=False,
        )


@app.command()
def publish(
    draft: Annotated[Path, typer.Argument(help="A reviewed draft (kg suggest, then edits).")],
    name: Annotated[
        str | None,
        typer.Option(help="File name in data/SLUG/ (default: the draft's own name)."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Move a draft into data/ and its document's graph into the store: validated, atomic.

    Refused (exit 1) while the draft has a violation or a TODO; the store is written through the
    same path as every write (validated, backed up, swapped in).
    """
    from kg.publish import publish as run_publish

    with _errors():
        settings = _settings(store)
        started = datetime.now(UTC)
        result = run_publish(settings, draft, name=name)
        if result.stored:
            _record(
                settings,
                f"publish {draft.name}",
                started,
                {result.graph: result.triples},
                backup=None if result.backup is None else result.backup.name,
                warnings=len(result.warnings),
            )
        for warning in result.warnings:
            err.print(warning, highlight=False, markup=False, emoji=False)
        where = (
            f"graph {result.graph} replaced in the store ({result.triples:,} triples; "
            f"previous state in {result.backup})"
            if result.stored
            else "no store built yet: kg build loads it"
        )
        out.print(f"published {draft} as {result.path}; {where}", highlight=False)


@app.command()
def synth(
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="File to write: .nq (N-Quads, named graphs) or .nt (N-Triples)."
        ),
    ],
    triples: Annotated[
        int, typer.Option("--triples", "-n", help="How many triples (lands within a few dozen).")
    ] = 100_000,
    seed: Annotated[
        int, typer.Option(help="Random seed: one seed and size give a byte-identical file.")
    ] = 0,
) -> None:
    """Generate a large synthetic graph that follows the shapes, for benchmarks."""
    import resource

    from kg_synth import synthesize

    with _errors():
        progress = _progress()
        try:
            result = synthesize(
                output,
                triples=triples,
                seed=seed,
                progress=lambda done, target: progress(f"synth: {done:,} of {target:,} triples"),
            )
        finally:
            progress.stop()  # type: ignore[attr-defined]
        # Linux reports kilobytes, macOS bytes.
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_mb = peak / (2**20 if sys.platform == "darwin" else 2**10)
        off = 100 * (result.triples - result.target) / result.target
        out.print(
            f"wrote {result.path}: {result.triples:,} triples ({off:+.2f}% of {result.target:,}), "
            f"{result.documents:,} documents, {result.graphs:,} named graphs, "
            f"{result.seconds:.2f} s, peak RSS {peak_mb:.0f} MB"
        )
        mix = ", ".join(f"{part} {100 * n / result.triples:.1f}%" for part, n in result.mix.items())
        out.print(f"mix: {mix}", highlight=False)


@app.command()
def backup(
    dest: Annotated[
        Path,
        typer.Argument(
            help="New directory (a pyoxigraph store: hard links, milliseconds) or FILE.nq "
            "(N-Quads, any store)."
        ),
    ],
    store: StoreOption = None,
) -> None:
    """Copy the store to DEST; works while `kg serve` runs."""
    from kg.backup import backup as run_backup

    with _errors():
        result = run_backup(_settings(store), dest)
        out.print(f"backed up {result.quads:,} quads to {result.path} ({result.seconds:.2f} s)")


@app.command()
def restore(
    source: Annotated[
        Path | None,
        typer.Argument(help="A backup: a directory from `kg backup` or the writes, or .nq."),
    ] = None,
    entry: Annotated[
        str | None,
        typer.Option(help="A write in `kg history`: restore the state before it."),
    ] = None,
    store: StoreOption = None,
) -> None:
    """Replace the store with a backup, atomically; the replaced state is kept as a backup.

    Restart a running `kg serve` afterwards: it answers from what it loaded.
    """
    from kg import history
    from kg.backup import restore as run_restore

    with _errors():
        settings = _settings(store)
        if (source is None) == (entry is None):
            raise ConfigurationError("name a backup or a history --entry, one of the two")
        if entry is not None:
            written = history.find(settings.history_path(), entry)
            if written.backup is None:
                raise ConfigurationError(
                    f"write {entry} kept no backup (KG_BACKUP_KEEP was 0): nothing to restore"
                )
            source = settings.backups_path() / written.backup
        assert source is not None
        started = datetime.now(UTC)
        result = run_restore(settings, source)
        _record(settings, f"restore {source.name}", started, {})
        out.print(
            f"restored {result.quads:,} quads from {source} into {settings.store} "
            f"({result.seconds:.2f} s); the previous state is in {settings.backups_path()}"
        )


curator_app = typer.Typer(
    help="Named curators: each writes with a token of their own (kept as a salted hash).",
    no_args_is_help=True,
)
app.add_typer(curator_app, name="curator")


@curator_app.command("add")
def curator_add(
    name: Annotated[str, typer.Argument(help="Lower-case letters, digits and hyphens.")],
    role: Annotated[
        str,
        typer.Option(
            help="curator: writes and reads; reader: only reads, where reading needs a token "
            "(KG_READ_ACCESS=token)."
        ),
    ] = "curator",
    store: StoreOption = None,
) -> None:
    """Register a curator (or a reader) and print their token, once: hand it over, it is kept
    nowhere."""
    from kg import curators

    with _errors():
        settings = _settings(store)
        token = curators.add(settings.curators_path(), name, role)
        err.print(f"{role} {name} added to {settings.curators_path()}; their token (shown once):")
        print(token)


@curator_app.command("revoke")
def curator_revoke(name: str, store: StoreOption = None) -> None:
    """End a curator's token at once; their past writes keep their name in the history."""
    from kg import curators

    with _errors():
        settings = _settings(store)
        curators.revoke(settings.curators_path(), name)
        out.print(f"curator {name} revoked")


@curator_app.command("list")
def curator_list(store: StoreOption = None) -> None:
    """The curators, active or revoked (never their tokens)."""
    from kg import curators

    with _errors():
        settings = _settings(store)
        for curator in curators.load(settings.curators_path()).values():
            state = "active" if curator.active else f"revoked {curator.revoked}"
            out.print(f"{curator.name}\t{curator.role}\tadded {curator.created}\t{state}")


def _difference(entry: Entry, graph: str) -> str:
    """ ", -R +A" for a graph of a history entry that records what the write removed and added."""
    if graph not in entry.added and graph not in entry.removed:
        return ""
    return f", -{entry.removed.get(graph, 0):,} +{entry.added.get(graph, 0):,}"


@app.command("history")
def write_history(
    limit: Annotated[int, typer.Option(min=1, help="Newest entries to print.")] = 20,
    store: StoreOption = None,
) -> None:
    """The writes served by the API, newest first: who, when, which graphs, the backup."""
    from kg import history

    with _errors():
        settings = _settings(store)
        for entry in history.entries(settings.history_path())[:limit]:
            graphs = ", ".join(
                f"{_short_graph(g)} ({n:,}{_difference(entry, g)})" for g, n in entry.graphs.items()
            )
            out.print(
                f"{entry.id}  {entry.ended}  {entry.curator}  {entry.operation}  {graphs}  "
                f"backup {entry.backup or '-'}",
                markup=False,
                highlight=False,
            )
