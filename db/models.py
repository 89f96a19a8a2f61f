"""SQLAlchemy 2 models of the whole monitoring domain.

Stable ids are the keys: a region is its GB/T 2260 code (or a grouping id), an
indicator its catalogue id, a target its catalogue entry id. Observations are
never updated in place: a revision is a new row pointing at the one it
supersedes, and exactly one row per (indicator, region, period, layer) is
current.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


# ---------------------------------------------------------------- regions ---


class Region(Base):
    """An administrative unit or a named grouping of them."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"), index=True)
    in_circle: Mapped[str] = mapped_column(String(10), default="full")
    partial_note: Mapped[str | None] = mapped_column(String(200))
    excludes: Mapped[list[Any]] = mapped_column(default=list)
    source_plan: Mapped[str | None] = mapped_column(String(60))
    source_line: Mapped[int | None]
    source_quote: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[RegionAlias]] = relationship(
        back_populates="region", cascade="all, delete-orphan"
    )
    members: Mapped[list[RegionMember]] = relationship(
        foreign_keys="RegionMember.grouping_code",
        back_populates="grouping",
        cascade="all, delete-orphan",
    )


class RegionAlias(Base):
    __tablename__ = "region_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(
        ForeignKey("regions.code", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(80))
    region: Mapped[Region] = relationship(back_populates="aliases")

    __table_args__ = (UniqueConstraint("region_code", "alias"),)


class RegionMember(Base):
    __tablename__ = "region_members"

    grouping_code: Mapped[str] = mapped_column(
        ForeignKey("regions.code", ondelete="CASCADE"), primary_key=True
    )
    member_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)
    partial: Mapped[bool] = mapped_column(Boolean, default=False)
    grouping: Mapped[Region] = relationship(foreign_keys=[grouping_code], back_populates="members")


# -------------------------------------------------------------- catalogue ---


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str | None] = mapped_column(String(200))
    issued: Mapped[str | None] = mapped_column(String(20))
    seed_file: Mapped[str] = mapped_column(String(80))
    line_start: Mapped[int]
    line_end: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)


class Indicator(Base):
    __tablename__ = "indicators"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str | None] = mapped_column(Text)
    definition_en: Mapped[str | None] = mapped_column(Text)  # shown on the English pages
    unit: Mapped[str] = mapped_column(String(30))
    direction: Mapped[str] = mapped_column(String(10))
    frequency: Mapped[str] = mapped_column(String(10))
    pillar: Mapped[str] = mapped_column(String(30), index=True)
    source: Mapped[str | None] = mapped_column(String(200))
    source_en: Mapped[str | None] = mapped_column(Text)  # shown on the English pages
    aggregation: Mapped[str] = mapped_column(String(20))
    numerator_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"))
    denominator_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"))
    weight_id: Mapped[str | None] = mapped_column(ForeignKey("indicators.id"))
    headline: Mapped[bool] = mapped_column(Boolean, default=False)
    scale: Mapped[str | None] = mapped_column(String(30))  # indicators/scales.py, class indicators
    trend_limit: Mapped[float | None] = mapped_column(Float)  # no-target trend: natural limit
    # other names statistics tables use for it (intake matches columns by them)
    aliases: Mapped[list[Any] | None] = mapped_column(JSON)
    # a count target's series: "stock" or "flow" (indicators.catalogue.MEASURES), or none
    measure: Mapped[str | None] = mapped_column(String(10))
    # a summed indicator measured at facilities and sites (airports, ports, zones …):
    # the sample does not spread a grouping's value over its members (indicators.catalogue)
    facility: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class _Provenance:
    """The plan sentence a target or baseline comes from."""

    plan_id: Mapped[str] = mapped_column(ForeignKey("plans.id"), index=True)
    section: Mapped[str | None] = mapped_column(String(200))
    seed_line: Mapped[int]
    quote: Mapped[str] = mapped_column(Text)


class Target(_Provenance, Base):
    """A value a plan fixes for an indicator, a scope and a year."""

    __tablename__ = "targets"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"), index=True)
    scope_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    year: Mapped[int]
    base_year: Mapped[int | None]
    value: Mapped[float] = mapped_column(Float)
    value_high: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    comparator: Mapped[str] = mapped_column(String(10))
    stretch: Mapped[bool] = mapped_column(Boolean, default=False)


class Baseline(_Provenance, Base):
    """A value a plan states for a past or current year."""

    __tablename__ = "baselines"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"), index=True)
    scope_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    year: Mapped[int]
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    comparator: Mapped[str] = mapped_column(String(10))


class Vision(_Provenance, Base):
    """A goal a plan sets in words for 2035 (远景目标), shown beside the indicator it
    concerns and never judged: no value, no progress snapshot."""

    __tablename__ = "visions"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"), index=True)
    scope_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    year: Mapped[int]


# ---------------------------------------------------------- users & audit ---


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(12))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # copied into the session cookie at sign-in; raising it ends every session of the
    # account, copies of the cookie included (db.users.end_sessions)
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))

    regions: Mapped[list[UserRegion]] = relationship(cascade="all, delete-orphan")


class UserRegion(Base):
    """A region a reporter may report for."""

    __tablename__ = "user_regions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)


class ApiToken(Base):
    """A revocable token for systems; only its hash is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # null: valid until revoked; a partner system's token can be issued for a term
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 直报: a system an administrator trusts imports at once; other tokens' files wait
    # for review like a reporter's upload (dashboard/api_intake.py)
    trusted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class SignInThrottle(Base):
    """Failed sign-ins of one name+address pair, one address or one name, and the
    back-off they earned (db/sign_in_throttle.py); shared by every app worker."""

    __tablename__ = "sign_in_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of scope+subject
    scope: Mapped[str] = mapped_column(String(10))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[int] = mapped_column(Integer, default=0)  # waits earned in this streak
    refused: Mapped[int] = mapped_column(Integer, default=0)  # attempts refused, not yet logged
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEvent(Base):
    """Who did what, when, with the values before and after. Append-only."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    detail: Mapped[str | None] = mapped_column(Text)


# ------------------------------------------------------ intake & observations ---


class Submission(Base):
    """A file (or API payload) as received: bytes, hash and what became of it."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(String(12))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="received")
    report: Mapped[dict[str, Any] | None]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review_comment: Mapped[str | None] = mapped_column(Text)


class SubmissionRow(Base):
    """One validated row of a reporter's file, waiting for (or past) review.

    A reporter's file is not imported at once: its clean rows are kept here, with
    the row number people saw in the file, until a reviewer approves or rejects
    each. An approved row points at the observation that is current for it after
    approval; a rejected one stays, with the reviewer's comment, so the record of
    what was sent and why it was refused is never lost.
    """

    __tablename__ = "submission_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    row_no: Mapped[int] = mapped_column(Integer)
    sheet: Mapped[str | None] = mapped_column(String(120))
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str] = mapped_column(String(20))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    note: Mapped[str | None] = mapped_column(Text)
    decision: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    comment: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # indexed: deleting an observation looks for the rows pointing at it (migration 0022)
    observation_id: Mapped[int | None] = mapped_column(ForeignKey("observations.id"), index=True)


class EntryDraft(Base):
    """A reporter's online form (在线填报) saved but not yet submitted: the typed
    values and notes of one region and period, kept on the server so they survive
    sign-out and another browser. Submitting turns it into a submission and
    deletes it."""

    __tablename__ = "entry_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict[str, Any]]  # indicator id → text typed; note:<id> → note
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "region_code", "period"),)


class Observation(Base):
    """One value of an indicator for a region and a period, in one vintage.

    ``layer`` keeps the synthetic sample (示例数据), the published figures
    (公开数据) and reported statistics apart; ``vintage`` says which official
    release the value is (initial, final verification, census revision).
    """

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[str] = mapped_column(ForeignKey("indicators.id"))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    period: Mapped[str] = mapped_column(String(20))
    layer: Mapped[str] = mapped_column(String(12))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(30))
    vintage: Mapped[str] = mapped_column(String(20), default="provisional")
    status: Mapped[str] = mapped_column(String(12), default="accepted")
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    # indexed: deleting an observation looks for the rows pointing at it (migration 0022)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("observations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    source_note: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    __table_args__ = (
        UniqueConstraint("indicator_id", "region_code", "period", "layer", "revision"),
        Index(
            "uq_observations_current",
            "indicator_id",
            "region_code",
            "period",
            "layer",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )


class Reminder(Base):
    """A note to a region's reporters that figures are late (报送提醒).

    One row per region × indicator × period × kind (the unique constraint), so
    the daily job can run any number of times and creates each reminder once.
    ``user_id`` null means every reporter of the region; ``seen_at`` and
    ``emailed_at`` say whether it was read in the app and whether it went out by
    e-mail. ``indicator_id`` is nullable for reminders about a region's whole
    return; the constraint does not deduplicate those (NULLs are distinct in
    SQL), so a job that writes them must check first.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code", ondelete="CASCADE"))
    indicator_id: Mapped[str | None] = mapped_column(
        ForeignKey("indicators.id", ondelete="CASCADE")
    )
    period: Mapped[str] = mapped_column(String(20))
    due_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # a major project's late monthly dispatch (kind "dispatch"); the job checks first
    project_id: Mapped[str | None] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))

    __table_args__ = (UniqueConstraint("region_code", "indicator_id", "period", "kind"),)


class JobRun(Base):
    """The last runs of scheduled jobs, for the health page."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ok: Mapped[bool | None] = mapped_column(Boolean)
    detail: Mapped[str | None] = mapped_column(Text)


class JobLease(Base):
    """Who is running a job that must not run twice at once, until when, and
    whether it has been asked for again meanwhile (loaders/progress.refresh_progress)."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dirty: Mapped[bool] = mapped_column(Boolean, default=False)
    requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ShippedCatalogue(Base):
    """What the last shipping of the catalogue files stored (row 1): a digest of the
    files, of the regions they were checked against and of the code that reads them,
    and a digest of the catalogue rows it left. A start whose files and rows give both
    again skips reading and checking the files (workflows/catalogue.py), which every
    start, app worker and ``manage.py`` command would otherwise do."""

    __tablename__ = "shipped_catalogue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    files_digest: Mapped[str] = mapped_column(String(64))
    rows_digest: Mapped[str] = mapped_column(String(64))
    shipped_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DataVersion(Base):
    """Three rows: numbers raised in the same transaction as any stored change of
    what the pages and the read API show (row 1: observations, snapshots, the
    catalogue, regions, projects, submissions), of the reference data alone
    (row 2: regions, the catalogue) and of the snapshots or the reference data
    (row 3: what the precomputed page data is made of), so that every web worker can tell with one
    primary-key read whether what it keeps is still true (db/data_version.py)."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PageCache(Base):
    """A rendered reply (a Dash callback's JSON, a read API answer) for one data
    version, shared by the web workers (dashboard/page_cache.py): the first worker
    to compute it stores it, the others read it instead of computing it again.
    Rows of older versions are deleted by the first worker that sees a newer one."""

    __tablename__ = "page_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProgressView(Base):
    """What the reading pages derive from the progress snapshots, computed once per
    progress version (db/data_version.py, row 3) as plain JSON (indicators/
    progress_views.py): the first process that needs it (the background recompute
    after its commit, or a web worker) stores it, every worker reads it instead of
    deriving it again in pandas. Rows of older versions are deleted by the writer."""

    __tablename__ = "progress_views"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProgressResults(Base):
    """/api/v1/progress's items of one as-of year (``as_of`` 0: the latest), each
    written once as JSON (indicators/progress_results.py), per progress version:
    stored by the background recompute right after its commit, or by the first web
    worker that needs them; every other worker reads this row instead of the
    snapshots. Rows of older versions are deleted by the writer."""

    __tablename__ = "progress_results"

    version: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    as_of: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# ---------------------------------------------------------------- progress ---


class ProgressChange(Base):
    """An accepted change to the current observations not yet assessed: which
    indicator and region it touched. Written in the transaction that changed
    the data (db.intake.import_observations, db.observations.replace_layer), so
    a process killed before the recompute loses nothing; the incremental
    recompute (workflows/progress.py) reassesses the targets each can affect and
    deletes the rows it served."""

    __tablename__ = "progress_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator_id: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProgressSnapshot(Base):
    """The assessment of one target as of one year, stored so pages need not recompute.

    ``computed_at`` and ``inputs_digest`` say when and from what it was
    computed; ``used`` lists the observation ids (or 规划 for a plan baseline).
    The ``outlook*`` columns hold the DNS weather symbol (indicators/outlook.py);
    they are null only for snapshots stored before migration 0003.
    """

    __tablename__ = "progress_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[str] = mapped_column(ForeignKey("targets.id", ondelete="CASCADE"))
    scope_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), index=True)
    as_of: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), index=True)
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    method: Mapped[str] = mapped_column(String(12))
    figure_origin: Mapped[str] = mapped_column(String(12))
    layer: Mapped[str | None] = mapped_column(String(12))
    baseline_year: Mapped[int | None]
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_from_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    latest_year: Mapped[int | None]
    latest_value: Mapped[float | None] = mapped_column(Float)
    # "lower" / "upper": the latest figure is a published bound (超过 X), not the value
    latest_bound: Mapped[str | None] = mapped_column(String(8))
    share_of_way: Mapped[float | None] = mapped_column(Float)
    share_of_time: Mapped[float | None] = mapped_column(Float)
    expected_now: Mapped[float | None] = mapped_column(Float)
    cagr_actual: Mapped[float | None] = mapped_column(Float)
    cagr_required: Mapped[float | None] = mapped_column(Float)
    ratio: Mapped[float | None] = mapped_column(Float)
    projected: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    outlook: Mapped[str | None] = mapped_column(String(16))
    outlook_projected: Mapped[float | None] = mapped_column(Float)
    outlook_shortfall: Mapped[float | None] = mapped_column(Float)
    outlook_note: Mapped[str | None] = mapped_column(Text)
    # [[year, value], …]: the annual series the assessment saw, so trend lines need
    # no second derivation of a grouping's figures
    series: Mapped[list[Any]] = mapped_column(default=list)
    unit: Mapped[str] = mapped_column(String(30))
    used: Mapped[list[Any]] = mapped_column(default=list)
    note: Mapped[str | None] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    inputs_digest: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("target_id", "as_of"),)


# ------------------------------------------------------------ major projects ---


class Project(Base):
    """A major project of the register (重大项目库): what it is, where, who answers
    for it, its years and investment (亿元), and where the figures come from.

    ``origin`` says how it entered: ``annex`` (parsed from a plan's project
    annex; ``seed_line`` is the row's line in the seed text) or ``import`` (an
    Excel register uploaded by the joint office).
    """

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(20), index=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plans.id"))
    section: Mapped[str | None] = mapped_column(String(40))
    waterway: Mapped[str | None] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(100))
    content: Mapped[str | None] = mapped_column(Text)
    responsible_unit: Mapped[str | None] = mapped_column(String(200))
    start_year: Mapped[int]
    end_year: Mapped[int]
    total_investment: Mapped[float] = mapped_column(Float)
    plan_period_investment: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(10))
    remark: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    seed_line: Mapped[int | None]
    origin: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    regions: Mapped[list[ProjectRegion]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )
    plans: Mapped[list[ProjectPlan]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ProjectRegion(Base):
    __tablename__ = "project_regions"

    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"), primary_key=True)


class ProjectPlan(Base):
    """A project's planned investment for one year (年度计划投资, 亿元).

    ``basis``: ``stated`` (given by the register or the project unit) or
    ``derived`` (an estimate: the annex's 十四五 investment spread evenly over
    the project's years in 2021–2025, and the rest of its total over its years
    after 2025, until the unit states the year's plan).
    """

    __tablename__ = "project_plans"

    project_id: Mapped[str] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    planned_investment: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(10))


class ProjectReport(Base):
    """One month's dispatch of a project (当月调度信息), versioned like observations:
    a corrected report makes the earlier one not current, never deletes it.

    Investment in 亿元: completed in the month and from January to the month
    (year to date). ``sample`` marks synthetic 示例数据.
    """

    __tablename__ = "project_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))
    month_investment: Mapped[float | None] = mapped_column(Float)
    ytd_investment: Mapped[float] = mapped_column(Float)
    progress: Mapped[str] = mapped_column(Text)
    problems: Mapped[str | None] = mapped_column(Text)
    problems_resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(80))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    sample: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_project_reports_key", "project_id", "period", "is_current"),
        # one current report per project and month, whatever two sessions do at once
        Index(
            "uq_project_reports_current",
            "project_id",
            "period",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
    )
