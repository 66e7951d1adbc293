"""`ccperf bi`: Apache Superset on the published marts, with the shipped dashboard, in one command.

What it does, each step skipped when already done (re-running is harmless):

1. **Superset's environment**: a virtual environment of its own (never the project's: Superset pins SQLAlchemy 1.4
   and pandas 2.1), built from `bi/superset-requirements.txt` with every version pinned by
   `bi/superset-constraints.txt`, with uv when it is on the PATH (else venv and pip). It is cached, by default under
   `~/.cache/ccperf/superset-<key>` (`CCPERF_BI_VENV` to choose a folder), where the key is a hash of both files
   and of the Python version: a changed constraints file makes a new environment, an unchanged one is reused by
   every data folder, the tests and CI.
2. **Superset's metadata** under `<data>/.superset/`: `superset_config.py` (written at each start), the SQLite
   metadata database `superset.db` (`superset db upgrade` and `superset init` once per environment), a generated
   `secret_key` (or `CCPERF_BI_SECRET_KEY`), the server's log and state.
3. **An admin user** named by `CCPERF_BI_ADMIN_USER` (default `admin`) with the password
   `CCPERF_BI_ADMIN_PASSWORD` (default `admin`): created, or its password reset when the one in the environment no
   longer logs in.
4. **The server**: gunicorn (Superset's WSGI app) on 127.0.0.1 only, port `--port` / `CCPERF_BI_PORT` (default
   8088), in a session of its own, running after `ccperf bi` returns; `ccperf bi --stop` stops it.
5. **The dashboard**: the YAML files of `bi/dashboard/` (Superset's export format: the database, the datasets, the
   charts, the dashboard) zipped at import time and imported through `POST /api/v1/assets/import/`, which
   overwrites what an earlier import made. The database's URI is the absolute path of this data folder's serving
   file, `duckdb:///<data>/marts/ccperf.duckdb?access_mode=read_only`. `ccperf bi --export` writes the dashboard
   as edited in Superset back into `bi/dashboard/`.

Fresh data without restarts: Superset opens a new DuckDB connection for each query and closes it after (its
engines use NullPool) and its data cache is off (`DATA_CACHE_CONFIG` is a NullCache), so no connection holds the old
serving file: a publication, which replaces the file by a rename, shows on the next refresh of the dashboard.
"""

from __future__ import annotations

import fcntl
import hashlib
import io
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from ccperf.config import PROJECT_ROOT, Settings
from ccperf.local_server import is_healthy, log_tail, wait_until_healthy

BI_DIR = PROJECT_ROOT / "bi"
REQUIREMENTS = BI_DIR / "superset-requirements.txt"
CONSTRAINTS = BI_DIR / "superset-constraints.txt"
DASHBOARD_DIR = BI_DIR / "dashboard"
# the serving file's path in bi/dashboard/databases/*.yaml (the analyst guide's example), replaced at import time
SHIPPED_SERVING_PATH = "/srv/ccperf/data/marts/ccperf.duckdb"
DASHBOARD_SLUG = "ccperf"
DEFAULT_PORT = 8088
DEFAULT_USER = "admin"
DEFAULT_PASSWORD = "admin"
START_TIMEOUT_S = 180.0  # the first start of gunicorn and Superset's app on a busy 2-core machine
READY_MARKER = ".ccperf-ready"
Say = Callable[[str], None]


class BiError(RuntimeError):
    """A problem the user can fix, said in plain words (no traceback)."""


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class BiSettings:
    data_dir: Path
    port: int = DEFAULT_PORT
    user: str = DEFAULT_USER
    password: str = DEFAULT_PASSWORD
    venv: Path = field(default_factory=lambda: default_venv())

    @classmethod
    def load(cls, settings: Settings, port: int | None = None) -> BiSettings:
        port_text = os.environ.get("CCPERF_BI_PORT", "").strip()
        if port is None:
            try:
                port = int(port_text) if port_text else DEFAULT_PORT
            except ValueError as exc:
                raise ValueError(f"CCPERF_BI_PORT={port_text!r} is not a port number") from exc
        if not 0 < port < 65536:
            raise ValueError(f"{port} is not a port number")
        venv = os.environ.get("CCPERF_BI_VENV", "").strip()
        return cls(settings.data_dir, port,
                   os.environ.get("CCPERF_BI_ADMIN_USER", "").strip() or DEFAULT_USER,
                   os.environ.get("CCPERF_BI_ADMIN_PASSWORD") or DEFAULT_PASSWORD,
                   Path(venv).expanduser().resolve() if venv else default_venv())

    @property
    def home(self) -> Path:
        """Superset's metadata, configuration, log and state for this data folder."""
        return self.data_dir / ".superset"

    @property
    def serving_db(self) -> Path:
        return self.data_dir / "marts" / "ccperf.duckdb"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dashboard_url(self) -> str:
        return f"{self.url}/superset/dashboard/{DASHBOARD_SLUG}/"

    @property
    def config_file(self) -> Path:
        return self.home / "superset_config.py"

    @property
    def log_file(self) -> Path:
        return self.home / "superset.log"

    @property
    def server_file(self) -> Path:
        return self.home / "server.json"

    @property
    def state_file(self) -> Path:
        return self.home / "state.json"


def serving_uri(serving_db: Path) -> str:
    """The SQLAlchemy URI of the serving file, read-only (the form the analyst guide documents)."""
    return f"duckdb:///{serving_db}?access_mode=read_only"


# ---------------------------------------------------------------- Superset's environment


def environment_key() -> str:
    """What the environment is made of: the requirements, the constraints and the Python that runs it."""
    digest = hashlib.sha256()
    for path in (REQUIREMENTS, CONSTRAINTS):
        digest.update(path.read_bytes())
    digest.update(f"{platform.python_implementation()} {platform.python_version()} {platform.machine()}".encode())
    return digest.hexdigest()[:16]


def default_venv() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return (cache / "ccperf" / f"superset-{environment_key()}").resolve()


def venv_bin(venv: Path, name: str) -> Path:
    return venv / "bin" / name


def environment_ready(venv: Path) -> bool:
    marker = venv / READY_MARKER
    return marker.exists() and marker.read_text().strip() == environment_key() and venv_bin(venv, "python").exists()


def _clean_env() -> dict[str, str]:
    """This process's environment without what points Python at the project's own environment."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _run(cmd: list[str], what: str, env: dict[str, str] | None = None, timeout_s: float = 1800,
         cwd: Path | None = None) -> str:
    try:
        proc = subprocess.run(cmd, env=env if env is not None else _clean_env(), cwd=cwd, capture_output=True,
                              text=True, timeout=timeout_s, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BiError(f"{what} failed: {exc}") from exc
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise BiError(f"{what} failed (exit code {proc.returncode}):\n{tail}")
    return proc.stdout


def ensure_environment(venv: Path, say: Say = print) -> float | None:
    """Build Superset's environment unless it is ready; returns the seconds it took, None when it was cached.

    One build at a time per environment (a file lock beside it): a second `ccperf bi`, or a test, waits and then
    finds it ready. A build that stopped half-way (no ready marker) is removed and done again."""
    if environment_ready(venv):
        return None
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / f"{venv.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if environment_ready(venv):
            return None
        started = time.perf_counter()
        if venv.exists():
            shutil.rmtree(venv)
        uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV
        say(f"installing Apache Superset into {venv} ({'uv' if uv else 'pip'}, versions pinned by "
            f"{CONSTRAINTS.relative_to(PROJECT_ROOT)}); seconds with uv, about a minute with pip")
        env = {**_clean_env(), "UV_PYTHON_DOWNLOADS": "never"}
        python = venv_bin(venv, "python")
        if uv:
            _run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], "creating the virtual environment",
                 env)
            _run([uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(REQUIREMENTS), "-c",
                  str(CONSTRAINTS)], "installing Superset (uv pip install)", env)
        else:
            _run([sys.executable, "-m", "venv", str(venv)], "creating the virtual environment", env)
            _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r",
                  str(REQUIREMENTS), "-c", str(CONSTRAINTS)], "installing Superset (pip install)", env)
        versions = _run([str(python), "-c", "import importlib.metadata as m; print(' '.join(f'{p} ' + "
                         "m.version(p) for p in ('apache-superset', 'duckdb-engine', 'duckdb')))"],
                        "checking the Superset environment", env)
        (venv / READY_MARKER).write_text(environment_key() + "\n")
        seconds = time.perf_counter() - started
        say(f"installed {versions.strip()} in {seconds:.0f} s")
        return seconds


# ---------------------------------------------------------------- metadata and configuration

CONFIG_TEMPLATE = '''"""Superset's configuration for ccperf, written by `ccperf bi` (ccperf/bi.py) at each start."""

import os
from pathlib import Path

_HOME = Path(__file__).resolve().parent

SECRET_KEY = os.environ.get("CCPERF_BI_SECRET_KEY") or (_HOME / "secret_key").read_text().strip()
SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(_HOME / "superset.db")
DATA_DIR = str(_HOME)

# Every chart reads the serving file again at each refresh: no result cache (Superset's own default, made
# explicit), and Superset opens a new DuckDB connection per query (NullPool), so a publication, which replaces the
# file, shows on the next refresh.
DATA_CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}
CACHE_CONFIG = {{"CACHE_TYPE": "NullCache"}}

# A local server: no resource from another host (fonts, map tiles, the usage pixel) is allowed in the pages.
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {{
    "content_security_policy": {{
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    }},
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}}
SUPERSET_WEBSERVER_TIMEOUT = {timeout}
'''


def write_config(bi: BiSettings) -> None:
    bi.home.mkdir(parents=True, exist_ok=True)
    secret = bi.home / "secret_key"
    if not secret.exists():  # signs sessions and encrypts connection secrets in superset.db: kept across starts
        secret.touch(mode=0o600)
        secret.write_text(secrets.token_urlsafe(48) + "\n")
    bi.config_file.write_text(CONFIG_TEMPLATE.format(timeout=120))


def superset_env(bi: BiSettings) -> dict[str, str]:
    return {**_clean_env(), "SUPERSET_CONFIG_PATH": str(bi.config_file), "SUPERSET_HOME": str(bi.home),
            "FLASK_APP": "superset", "PYTHONUNBUFFERED": "1",
            "PATH": f"{venv_bin(bi.venv, '')}{os.pathsep}{os.environ.get('PATH', '')}"}


def read_json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def prepare_metadata(bi: BiSettings, say: Say = print) -> bool:
    """`superset db upgrade` and `superset init` on the metadata database, once per environment; True when run."""
    state = read_json(bi.state_file)
    if state.get("environment") == environment_key() and (bi.home / "superset.db").exists():
        return False
    say(f"preparing Superset's metadata database {bi.home / 'superset.db'} (superset db upgrade, superset init)")
    superset = str(venv_bin(bi.venv, "superset"))
    _run([superset, "db", "upgrade"], "superset db upgrade", superset_env(bi), cwd=bi.home)
    _run([superset, "init"], "superset init", superset_env(bi), cwd=bi.home)
    bi.state_file.write_text(json.dumps({**state, "environment": environment_key()}, indent=2) + "\n")
    return True


# FAB's security manager API (add_user, find_user, reset_password): the password comes through the environment,
# never on a command line.
ADMIN_SCRIPT = """
import os
from superset.app import create_app

app = create_app()
with app.app_context():
    from superset import security_manager as sm

    name, password = os.environ["CCPERF_BI_ADMIN_USER"], os.environ["CCPERF_BI_ADMIN_PASSWORD"]
    admin = sm.find_role(sm.auth_role_admin)
    user = sm.find_user(username=name)
    if user is None:
        if not sm.add_user(name, "ccperf", "admin", f"{name}@localhost", admin, password=password):
            raise SystemExit(f"could not create the user {name}")
        print("created")
    else:
        sm.reset_password(user.id, password)
        if admin not in user.roles:
            user.roles.append(admin)
            sm.update_user(user)
        if not user.active:
            user.active = True
            sm.update_user(user)
        print("updated")
"""


def ensure_admin(bi: BiSettings) -> str:
    """Create the admin user, or set its password and role; returns 'created' or 'updated'."""
    env = {**superset_env(bi), "CCPERF_BI_ADMIN_USER": bi.user, "CCPERF_BI_ADMIN_PASSWORD": bi.password}
    out = _run([str(venv_bin(bi.venv, "python")), "-c", ADMIN_SCRIPT], f"setting up the user {bi.user}", env,
               cwd=bi.home)
    return out.strip().splitlines()[-1] if out.strip() else "updated"


# ---------------------------------------------------------------- the server



def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def running_server(bi: BiSettings) -> dict[str, Any] | None:
    """The server this data folder's `ccperf bi` started, if it is still running (pid and command checked)."""
    import psutil

    info = read_json(bi.server_file)
    pid = info.get("pid")
    if not isinstance(pid, int):
        return None
    try:
        process = psutil.Process(pid)
        alive = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        ours = str(bi.home) in " ".join(process.cmdline())  # its --pid file lives in our home
    except psutil.Error:
        return None
    return info if alive and ours else None



def start_server(bi: BiSettings, timeout_s: float = START_TIMEOUT_S) -> dict[str, Any]:
    """gunicorn with Superset's app on 127.0.0.1:<port>, in its own session (it outlives `ccperf bi`)."""
    if port_in_use(bi.port):
        raise BiError(f"port {bi.port} on 127.0.0.1 is already in use by another program: choose another with "
                      "--port or CCPERF_BI_PORT")
    cmd = [str(venv_bin(bi.venv, "gunicorn")), "--bind", f"127.0.0.1:{bi.port}", "--workers", "1",
           "--worker-class", "gthread", "--threads", "8", "--timeout", "120", "--graceful-timeout", "10",
           "--limit-request-line", "0", "--limit-request-field_size", "0",
           "--pid", str(bi.home / "gunicorn.pid"), "superset.app:create_app()"]
    with bi.log_file.open("ab") as out:
        process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env=superset_env(bi), cwd=bi.home, start_new_session=True)
    info = {"pid": process.pid, "port": bi.port, "url": bi.url, "started_at": time.time(), "venv": str(bi.venv)}
    bi.server_file.write_text(json.dumps(info, indent=2) + "\n")
    try:
        exit_code = wait_until_healthy(process, bi.url, timeout_s, check_timeout_s=3.0)
    except TimeoutError:
        stop_server(bi)
        raise BiError(f"Superset did not answer on {bi.url} within {timeout_s:.0f} s; last lines of {bi.log_file}:\n"
                      f"{log_tail(bi.log_file, 25)}") from None
    if exit_code is not None:
        bi.server_file.unlink(missing_ok=True)
        raise BiError(f"Superset stopped at start (exit code {exit_code}); last lines of "
                      f"{bi.log_file}:\n{log_tail(bi.log_file, 25)}")
    return info


def stop_server(bi: BiSettings, timeout_s: float = 20.0) -> int | None:
    """Stop the server `ccperf bi` started for this data folder (never another one); returns its pid, None when
    none was running."""
    import psutil

    info = running_server(bi)
    if info is None:
        bi.server_file.unlink(missing_ok=True)
        return None
    pid = info["pid"]
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)  # the session started for it: gunicorn and its worker
        except ProcessLookupError:
            break
        try:
            psutil.Process(pid).wait(timeout=timeout_s)
            break
        except psutil.TimeoutExpired:
            continue
        except psutil.NoSuchProcess:
            break
    bi.server_file.unlink(missing_ok=True)
    return pid


# ---------------------------------------------------------------- Superset's REST API


class SupersetApi:
    """A logged-in client of Superset's REST API (JWT for the API, the session cookie for the CSRF token)."""

    def __init__(self, url: str, timeout_s: float = 120.0) -> None:
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.headers: dict[str, str] = {"Referer": self.url}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(f"{self.url}{path}", data=body, method=method,
                                     headers={**self.headers, **(headers or {})})
        try:
            with self.opener.open(req, timeout=self.timeout_s) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except (urllib.error.URLError, OSError) as exc:
            raise BiError(f"Superset at {self.url} did not answer {method} {path}: {exc}") from exc

    def call(self, method: str, path: str, payload: Any = None, expect: tuple[int, ...] = (200, 201)) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        status, data = self.request(method, path, body, {"Content-Type": "application/json"} if body else None)
        if status not in expect:
            raise BiError(f"Superset answered {status} to {method} {path}: {data[:800].decode(errors='replace')}")
        return json.loads(data) if data else None

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def login(self, user: str, password: str) -> bool:
        """True when the user and password are accepted (then every call is authenticated)."""
        status, data = self.request("POST", "/api/v1/security/login", json.dumps(
            {"username": user, "password": password, "provider": "db", "refresh": False}).encode(),
            {"Content-Type": "application/json"})
        if status == 401:
            return False
        if status != 200:
            raise BiError(f"Superset answered {status} to the login: {data[:400].decode(errors='replace')}")
        self.headers["Authorization"] = f"Bearer {json.loads(data)['access_token']}"
        self.headers["X-CSRFToken"] = self.get("/api/v1/security/csrf_token/")["result"]
        return True

    def import_assets(self, bundle: bytes) -> None:
        """POST /api/v1/assets/import/: databases, datasets, charts and dashboards, overwriting earlier imports."""
        boundary = uuid.uuid4().hex
        parts = [
            (f'--{boundary}\r\nContent-Disposition: form-data; name="bundle"; filename="ccperf_dashboard.zip"\r\n'
             "Content-Type: application/zip\r\n\r\n").encode(), bundle, b"\r\n",
            (f'--{boundary}\r\nContent-Disposition: form-data; name="passwords"\r\n\r\n{{}}\r\n'
             f"--{boundary}--\r\n").encode(),
        ]
        status, data = self.request("POST", "/api/v1/assets/import/", b"".join(parts),
                                    {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        if status != 200:
            raise BiError(f"Superset refused the dashboard bundle ({status}): {data[:2000].decode(errors='replace')}")

    def chart_data(self, chart_id: int) -> dict[str, Any]:
        """GET /api/v1/chart/<id>/data/: the chart's saved query run now (no cache), as JSON."""
        return self.call("GET", f"/api/v1/chart/{chart_id}/data/?force=true")


def login(bi: BiSettings) -> SupersetApi:
    api = SupersetApi(bi.url)
    if not api.login(bi.user, bi.password):
        raise BiError(f"Superset refused the user {bi.user!r} with the password of CCPERF_BI_ADMIN_PASSWORD")
    return api


# ---------------------------------------------------------------- the dashboard bundle


def dashboard_files(folder: Path = DASHBOARD_DIR) -> dict[str, str]:
    """The shipped dashboard: relative path → YAML text."""
    files = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.yaml"))}
    if "metadata.yaml" not in files:
        raise BiError(f"{folder} has no metadata.yaml: not a Superset export")
    return files


def make_bundle(serving_db: Path, folder: Path = DASHBOARD_DIR) -> bytes:
    """The dashboard as the zip Superset imports (one root folder), the database pointed at `serving_db`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, text in dashboard_files(folder).items():
            if name.startswith("databases/"):
                if SHIPPED_SERVING_PATH not in text:
                    raise BiError(f"{folder / name} does not point at {SHIPPED_SERVING_PATH}")
                text = text.replace(SHIPPED_SERVING_PATH, str(serving_db))
            bundle.writestr(f"ccperf_dashboard/{name}", text)
    return buffer.getvalue()


def import_dashboard(api: SupersetApi, bi: BiSettings) -> dict[str, Any]:
    """Import bi/dashboard/ and return the dashboard as Superset has it (id, charts)."""
    api.import_assets(make_bundle(bi.serving_db))
    dashboard = api.get(f"/api/v1/dashboard/{DASHBOARD_SLUG}")["result"]
    charts = api.get(f"/api/v1/dashboard/{DASHBOARD_SLUG}/charts")["result"]
    return {"id": dashboard["id"], "title": dashboard["dashboard_title"], "charts": len(charts)}


def _yaml_block_strings(dumper: Any, value: str) -> Any:
    """Multi-line text (SQL, query contexts) as YAML block scalars: readable, and diffs line by line."""
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _keep_shipped_ids(config: dict[str, Any], shipped: dict[str, Any]) -> None:
    """Give an exported file the ids and order of the shipped one it replaces, so that its diff shows only what was
    edited: the numeric ids of one Superset's metadata change at every import (the importer maps them by uuid)."""
    if "columns" in config:  # a dataset: columns and metrics in the shipped order, new ones last
        for key, name in (("columns", "column_name"), ("metrics", "metric_name")):
            order = {item[name]: i for i, item in enumerate(shipped.get(key) or [])}
            config[key] = sorted(config.get(key) or [], key=lambda item: order.get(item[name], len(order)))
    if "params" in config and isinstance(config["params"], dict):  # a chart
        datasource = (shipped.get("params") or {}).get("datasource")
        if datasource:
            config["params"]["datasource"] = datasource
        if config.get("query_context") and shipped.get("query_context"):
            context, before = json.loads(config["query_context"]), json.loads(shipped["query_context"])
            context["datasource"] = before.get("datasource", context.get("datasource"))
            if "form_data" in context and "form_data" in before:
                context["form_data"]["datasource"] = before["form_data"].get("datasource")
            config["query_context"] = json.dumps(context)
    if "position" in config:  # the dashboard: the shipped chart ids in its layout
        shipped_ids = {item["meta"]["uuid"]: item["meta"]["chartId"] for item in shipped["position"].values()
                       if isinstance(item, dict) and item.get("type") == "CHART"}
        for item in config["position"].values():
            if isinstance(item, dict) and item.get("type") == "CHART" and item["meta"].get("uuid") in shipped_ids:
                item["meta"]["chartId"] = shipped_ids[item["meta"]["uuid"]]


def export_dashboard(api: SupersetApi, bi: BiSettings, folder: Path = DASHBOARD_DIR) -> list[str]:
    """Write the dashboard as Superset has it now (after edits in its UI) into `folder` as the shipped YAML:
    Superset's export, with the serving file's path put back to the shipped one, each file under the name of the
    shipped file with the same uuid (new ones under Superset's name), query contexts as indented JSON, and files no
    longer exported removed. Returns the files written."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _yaml_block_strings)
    dashboard_id = api.get(f"/api/v1/dashboard/{DASHBOARD_SLUG}")["result"]["id"]
    status, data = api.request("GET", f"/api/v1/dashboard/export/?q=!({dashboard_id})")
    if status != 200:
        raise BiError(f"Superset answered {status} to the dashboard export: {data[:400].decode(errors='replace')}")
    shipped: dict[str, tuple[str, dict[str, Any]]] = {}  # uuid → (file, config)
    for path in folder.rglob("*.yaml"):
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if config.get("uuid"):
            shipped[config["uuid"]] = (path.relative_to(folder).as_posix(), config)
    written: dict[str, str] = {"metadata.yaml": yaml.safe_dump({"version": "1.0.0", "type": "assets"}, sort_keys=False)}
    with zipfile.ZipFile(io.BytesIO(data)) as bundle:
        for name in bundle.namelist():
            relative = "/".join(name.split("/")[1:])
            if not relative.endswith(".yaml") or relative == "metadata.yaml":
                continue
            config = yaml.safe_load(bundle.read(name).decode())
            if relative.startswith("databases/"):
                config["sqlalchemy_uri"] = config["sqlalchemy_uri"].replace(str(bi.serving_db), SHIPPED_SERVING_PATH)
            target, before = shipped.get(config.get("uuid"), (relative, None))
            if before is not None:
                _keep_shipped_ids(config, before)
            if config.get("query_context"):
                config["query_context"] = json.dumps(json.loads(config["query_context"]), indent=2,
                                                     ensure_ascii=False)
            written[target] = yaml.dump(config, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=100)
    for path in folder.rglob("*.yaml"):
        if path.relative_to(folder).as_posix() not in written:
            path.unlink()
    for relative, text in written.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    return sorted(written)


# ---------------------------------------------------------------- the command


@dataclass
class Setup:
    url: str
    dashboard_url: str
    seconds: float
    environment_s: float | None  # None: the environment was cached
    started: bool  # the server was started by this call (False: it was running)
    charts: int
    steps: list[str]


def setup(bi: BiSettings, say: Say = print) -> Setup:
    """Everything `ccperf bi` does; see the module docstring."""
    started_at = time.perf_counter()
    if not bi.serving_db.exists():
        raise BiError(f"no publication in {bi.serving_db.parent} yet: run `ccperf run` first")
    if not bi.user:
        raise BiError("CCPERF_BI_ADMIN_USER is empty")
    steps: list[str] = []
    environment_s = ensure_environment(bi.venv, say)
    how = "cached" if environment_s is None else f"installed in {environment_s:.0f} s"
    steps.append(f"environment {bi.venv} ({how})")
    write_config(bi)
    fresh_metadata = prepare_metadata(bi, say)
    if fresh_metadata:
        steps.append(f"metadata database {bi.home / 'superset.db'} prepared, admin {ensure_admin(bi)}")
    server = running_server(bi)
    started = server is None
    if server is not None and server.get("port") != bi.port:
        raise BiError(f"Superset for this data folder already runs on port {server.get('port')}: stop it first "
                      "(ccperf bi --stop) to start it on another port")
    if started:
        say(f"starting Superset on {bi.url} (log {bi.log_file})")
        server = start_server(bi)
    elif not is_healthy(bi.url, 3.0):
        raise BiError(f"the Superset started earlier (pid {server['pid']}) does not answer on {bi.url}: "
                      f"`ccperf bi --stop`, then `ccperf bi`; log {bi.log_file}")
    steps.append(f"server pid {server['pid']} on {bi.url} ({'started' if started else 'already running'})")
    api = SupersetApi(bi.url)
    if not api.login(bi.user, bi.password):  # a new user or password in the environment
        steps.append(f"user {bi.user} {ensure_admin(bi)}")
        api = login(bi)
    dashboard = import_dashboard(api, bi)
    steps.append(f"dashboard {dashboard['title']!r} imported from {DASHBOARD_DIR.relative_to(PROJECT_ROOT)}/ "
                 f"({dashboard['charts']} charts), database {serving_uri(bi.serving_db)}")
    return Setup(bi.url, bi.dashboard_url, time.perf_counter() - started_at, environment_s, started,
                 dashboard["charts"], steps)


# ---------------------------------------------------------------- the browser


@dataclass
class DashboardView:
    """What a browser got from the dashboard: each chart's data as the page requested it, and the errors."""

    chart_data: dict[int, dict[str, Any]]  # chart id → the chart-data response the page received
    errors: list[str]  # script errors, and console errors other than the requests refused below
    refused: list[str]  # requests to another host, refused (by the content security policy or by the browser)
    seconds: float  # from opening the dashboard to every chart's data received
    screenshot: Path | None


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium", shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def open_dashboard(url: str, user: str, password: str, n_charts: int, screenshot: Path | None = None,
                   width: int = 1600, height: int = 1000, timeout_s: float = 120.0) -> DashboardView:
    """Log in and open the dashboard in headless Chromium (Debian's, driven by Playwright), wait until the page has
    the data of `n_charts` charts and drawn them, and optionally save a full-page screenshot. Requests to any other
    host than 127.0.0.1 are refused."""
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise BiError("no chromium to open the dashboard with (Debian: apt-get install chromium)")
    base = url.split("/superset/")[0]
    chart_data: dict[int, dict[str, Any]] = {}
    errors: list[str] = []
    refused: list[str] = []

    def route(route: Any) -> None:
        if route.request.url.startswith(base):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    def on_response(response: Any) -> None:
        if "/api/v1/chart/data" in response.url and response.request.method == "POST":
            form_data = (response.request.post_data_json or {}).get("form_data") or {}
            if form_data.get("slice_id"):
                try:
                    chart_data[int(form_data["slice_id"])] = {"status": response.status, **response.json()}
                except ValueError as exc:
                    errors.append(f"chart {form_data['slice_id']}: unreadable response ({exc})")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
            page.on("console", lambda msg: errors.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error" else None)
            page.route("**/*", route)
            page.on("response", on_response)
            page.goto(f"{base}/login/")
            page.fill("#username", user)
            page.fill("#password", password)
            page.click("[data-test=login-button]")
            page.wait_for_url(lambda u: "/login" not in u, timeout=timeout_s * 1000)
            started = time.perf_counter()
            page.goto(url)
            deadline = time.monotonic() + timeout_s
            while len(chart_data) < n_charts and time.monotonic() < deadline:
                page.wait_for_timeout(200)
            seconds = time.perf_counter() - started
            if len(chart_data) < n_charts:
                errors.append(f"only {len(chart_data)} of {n_charts} charts got their data in {timeout_s:.0f} s")
            page.wait_for_load_state("networkidle", timeout=timeout_s * 1000)
            page.wait_for_timeout(1500)  # the last charts' drawing animations
            if screenshot is not None:
                screenshot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(screenshot), full_page=True)
        finally:
            browser.close()
    # Superset's menu has a usage pixel from another host: our content security policy refuses it
    refused += [e for e in errors if "Content Security Policy" in e]
    errors = [e for e in errors if "Content Security Policy" not in e
              and not (refused and "Failed to load resource: net::ERR_FAILED" in e)]
    return DashboardView(chart_data, errors, refused, seconds, screenshot)
