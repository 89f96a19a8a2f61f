"""Every setting of the monitor, read from the environment in one place.

Each setting has a default and a help text (the table below is rendered into
``docs/configuration.md`` and a test keeps the two in step). Loading refuses a
value of the wrong type with a message that names the variable, rather than
falling back to a default silently.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG_DIR = PROJECT_ROOT / "config"
# the reminders' sender when SMTP_FROM is empty, and SMTP_FROM's default
DEFAULT_SENDER = "ccec-monitor@localhost"


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    kind: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "",
        str,
        "SQLAlchemy URL of the database; empty means a SQLite file `monitor.sqlite` in DATA_DIR.",
    ),
    Setting(
        "DATA_DIR",
        str(PROJECT_ROOT / "data"),
        str,
        "Folder for the SQLite file, received files and backups.",
    ),
    Setting("HOST", "127.0.0.1", str, "Address the development server binds to."),
    Setting("PORT", "8050", int, "Port the development server listens on."),
    Setting(
        "SECRET_KEY",
        "",
        str,
        "Key that signs session cookies; empty means a random key kept in DATA_DIR/secret_key.",
    ),
    Setting(
        "LOAD_SAMPLE_DATA",
        "true",
        bool,
        "Fill an empty database with the synthetic 示例数据 on first start.",
    ),
    Setting(
        "READ_REQUIRES_LOGIN",
        "false",
        bool,
        "Whether reading pages and the API needs a signed-in user.",
    ),
    Setting(
        "SECURE_COOKIES",
        "false",
        bool,
        "Send session cookies only over HTTPS (set true behind a TLS reverse proxy).",
    ),
    Setting(
        "SMTP_HOST",
        "",
        str,
        "Mail relay for overdue reminders; empty means reminders are shown in the app only.",
    ),
    Setting("SMTP_PORT", "25", int, "Port of the mail relay."),
    Setting("SMTP_FROM", DEFAULT_SENDER, str, "Sender address of reminder e-mails."),
    Setting(
        "TODAY",
        "",
        str,
        "The date deadlines are judged on (YYYY-MM-DD), for demonstrations and tests; "
        "empty means today in Beijing.",
    ),
    Setting("LOG_LEVEL", "INFO", str, "Python logging level."),
    Setting(
        "LOG_FORMAT",
        "text",
        str,
        "`text` for a terminal, or `json`: one JSON object per line for a log collector.",
    ),
    Setting("DEBUG", "false", bool, "Run Dash in debug mode (never in production)."),
    Setting(
        "RUN_SCHEDULER",
        "true",
        bool,
        "`python -m dashboard` also runs the scheduler's jobs (drop folder, recovery, nightly "
        "recompute, backup, reminders) in the same process; set false when `manage.py scheduler` "
        "runs beside it. gunicorn (dashboard.wsgi) never runs them.",
    ),
    Setting(
        "MAX_UPLOAD_BYTES",
        str(20 * 1024 * 1024),
        int,
        "Largest file accepted (bytes, default 20 MiB) on every channel; a larger request gets "
        "413 before anything is read or stored (the pages' upload callbacks, which carry the "
        "file in base64, may be 4/3 of this plus 256 KiB).",
    ),
    Setting(
        "MAX_FILE_ROWS",
        "1000000",
        int,
        "Most rows a statistics file may hold (a workbook's declared rows, or text lines).",
    ),
    Setting("MAX_FILE_COLUMNS", "1000", int, "Most columns a statistics file may hold."),
    Setting(
        "MAX_FILE_CELLS",
        "5000000",
        int,
        "Most cells (rows x columns) a statistics file may hold.",
    ),
    Setting(
        "MAX_UNCOMPRESSED_BYTES",
        str(200 * 1024 * 1024),
        int,
        "Largest total uncompressed size of an .xlsx (a zip) before it is parsed.",
    ),
    Setting(
        "PARSE_MEMORY_MB",
        "1536",
        int,
        "Address-space limit (MiB) of the child process that parses an untrusted file.",
    ),
    Setting(
        "PARSE_TIMEOUT_SECONDS",
        "60",
        int,
        "Time limit (CPU and wall clock) of the child process that parses an untrusted file.",
    ),
    Setting(
        "CHECK_RATE_LIMIT",
        "20",
        int,
        "Anonymous 数据校验 checks allowed per client address per 10 minutes.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        int,
        "How many reverse proxies (e.g. the shipped nginx = 1) stand before the app; their "
        "X-Forwarded-For / -Proto / -Host are trusted for the client address. 0 trusts none.",
    ),
)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _convert(setting: Setting, raw: str) -> object:
    if setting.kind is bool:
        lowered = raw.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise SettingsError(
            f"环境变量 {setting.env} 的值 {raw!r} 不是布尔值（可用 true/false、1/0）"
        )
    if setting.kind is int:
        try:
            return int(raw)
        except ValueError:
            raise SettingsError(f"环境变量 {setting.env} 的值 {raw!r} 不是整数") from None
    return raw


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    host: str
    port: int
    secret_key: str
    load_sample_data: bool
    read_requires_login: bool
    secure_cookies: bool
    smtp_host: str
    smtp_port: int
    smtp_from: str
    today: str
    log_level: str
    log_format: str
    debug: bool
    run_scheduler: bool
    max_upload_bytes: int
    max_file_rows: int
    max_file_columns: int
    max_file_cells: int
    max_uncompressed_bytes: int
    parse_memory_mb: int
    parse_timeout_seconds: int
    check_rate_limit: int
    trusted_proxies: int

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL, with the embedded SQLite default filled in."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'monitor.sqlite'}"


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Defaults, then the environment, then explicit keyword overrides."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    for setting in SETTINGS:
        raw = env.get(setting.env, setting.default)
        values[setting.env.lower()] = _convert(setting, raw)
    known = {f.name for f in fields(Settings)}
    unknown = set(overrides) - known
    if unknown:
        raise SettingsError(f"未知的设置项：{', '.join(sorted(unknown))}")
    values.update(overrides)
    values["data_dir"] = Path(str(values["data_dir"]))
    return Settings(**values)  # type: ignore[arg-type]


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "所在文件系统为只读",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.ENOTDIR: "路径中有同名文件，不是目录",
}


def data_dir_problem(settings: Settings) -> str | None:
    """Why the data folder cannot be written (in Chinese), or None.

    Checked before anything starts: the database file, the session key, the drop
    folder and backups live there, and a folder found unwritable halfway through
    a first run would leave it half set up.
    """
    folder = settings.data_dir
    probe = folder / f".write-check-{os.getpid()}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        reason = _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
        return (
            f"数据目录 {folder} 不可写（{reason}）。请检查 DATA_DIR 设置、目录权限和磁盘空间；"
            "已有数据未作任何改动。"
        )
    return None
