"""Every code block of the README is run, so the examples cannot go stale: Python and SQL against the
curated samples, YAML sources files through the parser, shell lines against the real CLI, Makefile and
benchmarks, and the sample output against the summary's own format."""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from pipeline.cli import build_parser
from pipeline.config import load_sources
from pipeline.load.database import DATABASE_NAME
from pipeline.summary import source_line

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = [
    (m.group(1), m.group(2), (ROOT / "README.md").read_text(encoding="utf-8")[: m.start()].count("\n") + 1)
    for m in re.finditer(r"```(\w*)\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
]


def _blocks(*languages: str) -> list[tuple[str, int]]:
    return [(body, line) for language, body, line in BLOCKS if language in languages]


def test_every_block_has_a_known_kind() -> None:
    assert {language for language, _, _ in BLOCKS} <= {"sh", "python", "sql", "yaml", "text", ""}


@pytest.fixture
def in_samples(samples_curated: Path, tmp_path: Path) -> Iterator[Path]:
    """A working directory whose curated/ is the samples' curated data."""
    (tmp_path / "curated").symlink_to(samples_curated, target_is_directory=True)
    cwd = Path.cwd()
    os.chdir(tmp_path)
    yield tmp_path
    os.chdir(cwd)


def _python_blocks(remote: bool) -> list[tuple[str, int]]:
    return [(body, line) for body, line in _blocks("python") if ("s3://" in body) == remote]


def _ids(value: object) -> str:
    return f"line {value}" if isinstance(value, int) else ""


@pytest.mark.parametrize(("body", "line"), _python_blocks(False), ids=_ids)
def test_python_blocks_run(body: str, line: int, in_samples: Path) -> None:
    exec(compile(body, f"README.md:{line}", "exec"), {})


@pytest.fixture(scope="module")
def in_bucket(prefect_harness: None) -> Iterator[None]:
    """The bundled samples published to s3://my-bucket/recruitment on a real S3-compatible server on 127.0.0.1."""
    from flows.nightly import nightly_flow
    from pipeline.config import BUNDLED_SOURCES, load_sources
    from pipeline.storage.locations import s3_filesystem
    from tests.s3server import s3_server

    with s3_server():
        s3_filesystem().mkdir("my-bucket")
        base = "s3://my-bucket/recruitment"
        nightly_flow(load_sources(BUNDLED_SOURCES), f"{base}/raw", f"{base}/curated", echo=False)
        yield


@pytest.mark.prefect
@pytest.mark.parametrize(("body", "line"), _python_blocks(True), ids=_ids)
def test_object_storage_python_blocks_run(body: str, line: int, in_bucket: None) -> None:
    exec(compile(body, f"README.md:{line}", "exec"), {})


@pytest.mark.parametrize(("body", "line"), _blocks("sql"), ids=lambda v: f"line {v}" if isinstance(v, int) else "")
def test_sql_blocks_run(body: str, line: int, in_samples: Path) -> None:
    connection = duckdb.connect(str(in_samples / "curated" / DATABASE_NAME), read_only=True)
    assert connection.sql(body.strip().rstrip(";")).fetchall(), f"README.md:{line} gives no rows"


@pytest.mark.parametrize(("body", "line"), _blocks("yaml"), ids=lambda v: f"line {v}" if isinstance(v, int) else "")
def test_yaml_sources_blocks_parse(body: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(body, encoding="utf-8")
    assert load_sources(path), f"README.md:{line}"


def _commands(body: str) -> list[str]:
    joined = body.replace("\\\n", " ")
    lines = [re.sub(r"\s+#.*$", "", line).strip() for line in joined.splitlines()]
    return [re.sub(r"\[[^\]]*\]", "", line).strip() for line in lines if line]


@pytest.mark.parametrize(("body", "line"), _blocks("sh"), ids=lambda v: f"line {v}" if isinstance(v, int) else "")
def test_shell_blocks_name_real_commands(body: str, line: int) -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in _commands(body):
        words = [w for w in shlex.split(command) if not re.fullmatch(r"[A-Z_]+=\S*", w)]
        program, args = words[0], words[1:]
        where = f"README.md:{line}: {command}"
        if program == "make":
            assert all(re.search(rf"^{re.escape(t)}:", makefile, re.M) for t in args), where
        elif program.endswith("bin/pipeline"):
            build_parser().parse_args(args)  # argparse exits (fails the test) on a stale option
        elif program.endswith("bin/python"):
            script = ROOT / args[0]
            assert script.exists(), where
            assert all(
                flag.split("=")[0] in script.read_text(encoding="utf-8") for flag in args[1:] if flag.startswith("--")
            ), where
        elif program.endswith(("bin/prefect", "bin/pip")) or program == "export":
            assert program == "export" or (ROOT / program).name in {"prefect", "pip"}, where
        else:
            pytest.fail(f"{where}: unknown program {program}")


def _pattern(line: str) -> str:
    return re.escape(line).replace("7", r"\d+").replace("SOURCE", r"\S+")


def test_sample_output_has_the_summary_format() -> None:
    (output,) = [body for body, _ in _blocks("") if body.startswith("run run-")]
    head, *rest = output.splitlines()
    assert re.fullmatch(
        r"run run-[0-9a-f]{16} \(night \d{4}-\d{2}-\d{2}\): \d+ pages read, \d+ unchanged, \d+ rejected; "
        r"\d+ rows failed validation",
        head,
    )
    counts = dict.fromkeys(
        [
            "pages_changed",
            "pages_unchanged",
            "pages_failed",
            "rejects",
            "vacancies_seen",
            "vacancies_new",
            "vacancies_updated",
            "vacancies_closed",
            "vacancies_withdrawn",
        ],
        7,
    )
    source = _pattern("  " + source_line("SOURCE", counts))
    sources = [line for line in rest if line.startswith("  source ")]
    assert sources and all(re.fullmatch(source, line) for line in sources), sources
