"""Administration from the command line: ``python manage.py --help``."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from config.settings import data_dir_problem, load_settings
from indicators.access import ROLES
from indicators.vintages import GRADES, VINTAGE_ORDER, VINTAGES

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from indicators.access import Account

    Handler = Callable[[argparse.Namespace, Engine, sessionmaker[Session]], int]

# Each command imports what it uses when it runs, not at the top: the whole app's import
# (pandas, alembic, the readers) took 1.6 s of CPU before even --help answered, and a
# command such as list-users or backup needs a fraction of it.


def cmd_init(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from workflows.first_run import ensure_ready

    report = ensure_ready(engine, factory, sample=load_settings().load_sample_data)
    print(
        f"数据库已就绪（迁移前版本：{report.migrated_from or '空库'}；"
        f"新载入地区 {report.regions_loaded} 个，目标库条目 {report.targets_loaded} 条，"
        f"示例数据 {report.sample_loaded} 条，评估快照 {report.snapshots} 个）"
    )
    return 0


def cmd_migrate(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db import migrate

    migrate.upgrade(engine, args.revision)
    print(f"已升级到 {migrate.current_revision(engine)}")
    return 0


def cmd_downgrade(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db import migrate

    migrate.downgrade(engine, args.revision)
    print(f"已降级到 {migrate.current_revision(engine) or 'base'}")
    return 0


def cmd_check(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db import migrate

    migrate.check(engine)
    print("模型与迁移一致")
    return 0


def cmd_load_regions(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from db import migrate
    from workflows.master_data import REGIONS_FILE, load_regions

    migrate.upgrade(engine)
    print(f"已载入 {load_regions(factory, Path(args.file or REGIONS_FILE))} 个地区及区域组合")
    return 0


def cmd_load_catalogue(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from workflows.catalogue import CATALOGUE_DIR, load_catalogue_into
    from workflows.first_run import ensure_ready

    ensure_ready(engine, factory)
    catalogue = load_catalogue_into(
        factory, Path(args.folder or CATALOGUE_DIR), force=True
    ).catalogue
    assert catalogue is not None  # forced: the files are always read
    print(
        f"已载入目标库：{len(catalogue.plans)} 个规划，{len(catalogue.indicators)} 个指标，"
        f"{len(catalogue.targets)} 条目标，{len(catalogue.baselines)} 条基期值"
    )
    if args.counts:
        for plan_id, (targets, baselines) in catalogue.counts_by_plan().items():
            print(
                f"{plan_id}\t{catalogue.plans[plan_id].title}\t目标 {targets}\t基期值 {baselines}"
            )
    return 0


def cmd_extract(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from indicators.extraction import extract
    from indicators.seed_text import SeedText, squeeze

    seed = SeedText.from_file(Path(args.file))
    first, _, last = args.lines.partition("-") if args.lines else ("1", "", "")
    candidates = extract(seed, int(first), int(last) if last else None)
    print(f"# {len(candidates)} 条候选（{args.file}），请逐条核对后写入目标库文件")
    print("entries:")
    for number, c in enumerate(candidates, start=1):
        quote = squeeze(c.sentence)
        print(
            f"  - id: {args.plan}-{number:03d}\n    indicator: TODO\n    section: TODO\n"
            f"    line: {c.line}\n    quote: {quote}\n    scope: TODO\n    kind: {c.kind}\n"
            f"    year: {c.year if c.year is not None else 'TODO'}\n    base_year: {c.base_year if c.base_year else 'null'}\n"
            f"    value: {c.value:g}\n    value_high: "
            f"{'null' if c.value_high is None else format(c.value_high, 'g')}\n"
            f'    unit: "{c.unit}"\n    comparator: {c.comparator}\n'
            f"    stretch: {str(c.stretch).lower()}"
        )
    return 0


def cmd_extract_figures(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    """Proposals of a bulletin; 0 only when something was proposed (and written, if asked)."""
    from indicators.regions import load_region_directory
    from workflows.bulletin import (
        BulletinFileError,
        append_entries,
        propose_from,
        published_entries,
        read_text,
    )
    from workflows.master_data import REGIONS_FILE

    path = Path(args.file)
    try:
        directory = load_region_directory(REGIONS_FILE)
        region, proposals = propose_from(
            read_text(path), args.region, args.publisher, args.year, directory
        )
        entries = (
            published_entries(proposals, args.publisher, args.url, args.vintage, args.grade)
            if args.append_to and proposals
            else []
        )
    except (BulletinFileError, OSError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    name = directory[region].name_zh if region else "未能确定（请用 --region 指定）"
    print(f"# {args.file}：地区 {name}，{len(proposals)} 条候选数据，请对照原文逐条核对")
    print("指标\t地区\t期间\t数值\t单位\t增速(%)\t原文")
    for p in proposals:
        growth = "" if p.growth is None else f"{p.growth:.12g}"
        value = f"{p.value:.12g}" + {"at_least": "（下限）", "about": "（约数）"}.get(
            p.comparator, ""
        )
        print(
            f"{p.indicator}\t{p.region or '？'}\t{p.period}\t{value}\t{p.unit}\t{growth}\t{p.wording}"
        )
    if not proposals:
        print(
            "未找到可识别的指标数据（指标名称及别名见 config/catalogue/indicators.yaml）",
            file=sys.stderr,
        )
        return 1
    if entries:
        append_entries(Path(args.append_to), entries, path.name)
        print(f"已追加 {len(entries)} 条到 {args.append_to}（待联合办公室核对后保留）")
    return 0


def cmd_confirm_figures(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    """Entries of a figures.yaml-format file into the published layer, as ``--by``'s
    confirmation; 0 only when a figure was stored."""
    from indicators.access import AccessDenied
    from workflows.confirm_figures import ConfirmError, confirm_file
    from workflows.first_run import ensure_ready
    from workflows.progress import recompute_progress

    ensure_ready(engine, factory, sample=False)
    try:
        outcome = confirm_file(factory, Path(args.file), args.by, recompute=False)
    except (ConfirmError, AccessDenied) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    print(outcome.message)
    if outcome.stored:
        print(f"评估 {recompute_progress(factory)} 个目标")
    return 0 if outcome.written else 1


def cmd_load_sample(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from workflows.first_run import ensure_ready
    from workflows.progress import recompute_progress
    from workflows.sample import load_sample

    ensure_ready(engine, factory, sample=False)
    rows = load_sample(factory)
    print(
        f"已重新生成示例数据 {rows} 条（示例数据，非真实统计），评估 {recompute_progress(factory)} 个目标"
    )
    return 0


def cmd_recompute(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db import migrate
    from workflows.progress import recompute_progress

    migrate.upgrade(engine)
    print(f"已重新评估 {recompute_progress(factory, args.as_of)} 个目标")
    return 0


def cmd_mark_overdue(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from config.clock import beijing_today
    from workflows.first_run import ensure_ready
    from workflows.reminders import MailError, overdue_job

    ensure_ready(engine, factory, sample=False)
    today = args.today or beijing_today()
    try:
        created = overdue_job(factory, today)
    except MailError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print(f"新增逾期提醒 {created} 条（截至 {today.isoformat()}）")
    return 0


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期“{text}”无效，应写作 YYYY-MM-DD") from None


def cmd_scheduler(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from config.logs import configure_logging
    from workflows.first_run import ensure_ready
    from workflows.scheduler import build_scheduler

    ensure_ready(engine, factory, sample=load_settings().load_sample_data)
    settings = load_settings()
    configure_logging(settings)
    scheduler = build_scheduler(
        settings.sqlalchemy_url,
        settings.data_dir / "drop",
        settings.data_dir / "backups",
    )
    print(
        "调度进程已启动（每 5 分钟处理投放目录，每天 02:30 重新评估进展，"
        "03:00 备份数据库，06:00 生成逾期提醒；Ctrl+C 退出）",
        flush=True,
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    return 0


def cmd_import(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from loaders.validate import Problem
    from workflows.first_run import ensure_ready
    from workflows.intake import STATUS_ZH, receive

    ensure_ready(engine, factory, sample=False)
    path = Path(args.file)
    outcome = receive(
        factory,
        path.name,
        path.read_bytes(),
        channel="cli",
        vintage=args.vintage,
        force_vintage=args.force_vintage,
        default_indicator=args.indicator,
        default_region=args.region,
    )
    for problem in outcome.report.get("problems", []):
        print(Problem(**problem), file=sys.stderr)
    number = outcome.submission_id if outcome.submission_id is not None else "（未保存）"
    print(
        f"提交编号 {number}：{STATUS_ZH[outcome.status]}"
        + (
            f"（新增 {outcome.report.get('inserted', 0)}，修订 {outcome.report.get('revised', 0)}，"
            f"未变 {outcome.report.get('unchanged', 0)}"
            + (
                f"，较新的修订值已存在未覆盖 {outcome.report['kept_newer']}"
                if outcome.report.get("kept_newer")
                else ""
            )
            + "）"
            if outcome.ok
            else ""
        )
    )
    return 0 if outcome.status in ("imported", "duplicate") else 1


def cmd_drop(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from workflows.drop_folder import process
    from workflows.first_run import ensure_ready
    from workflows.intake import STATUS_ZH

    ensure_ready(engine, factory, sample=False)
    root = Path(args.folder) if args.folder else load_settings().data_dir / "drop"
    for result in process(factory, root, settle=0):
        number = result.submission_id if result.submission_id is not None else "（未保存）"
        print(f"{result.name}\t{STATUS_ZH[result.status]}\t提交编号 {number}")
    return 0


def _operator() -> Account:
    from db.admin import command_line

    return command_line(getpass.getuser())


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass("密码：")


def _region_codes(factory: sessionmaker[Session], names: list[str]) -> list[str]:
    from db.regions import load_directory

    with factory() as session:
        directory = load_directory(session)
    return [directory.resolve(name).code for name in names]


def cmd_token(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db.admin import issue_token
    from db.session import transaction

    with transaction(factory) as session:
        token = issue_token(
            session,
            _operator(),
            args.username,
            args.name,
            args.expires_in_days,
            trusted=args.trusted,
        )
    until = f"，{args.expires_in_days} 天后失效" if args.expires_in_days else "，撤销前一直有效"
    print(f"令牌（仅显示一次，请妥善保存{until}）：{token}")
    return 0


def cmd_tokens(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    import pandas as pd

    from db.admin import tokens_frame

    with factory() as session:
        frame = tokens_frame(session)
    print("编号\t用途\t用户\t签发时间\t失效时间\t撤销时间\t直报")
    for row in frame.itertuples(index=False):
        cells = [row.created_at, row.expires_at, row.revoked_at]
        shown = ["" if pd.isna(c) else str(c)[:19] for c in cells]
        trusted = "直报" if row.trusted else ""
        print("\t".join([str(row.id), row.name, row.username, *shown, trusted]))
    return 0


def cmd_revoke_token(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from db.admin import withdraw_token
    from db.session import transaction

    with transaction(factory) as session:
        withdraw_token(session, _operator(), args.token_id)
    print(f"已撤销令牌 {args.token_id}")
    return 0


def cmd_users(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db.admin import users_frame

    with factory() as session:
        frame = users_frame(session)
    print("用户名\t显示名称\t角色\t地区\t状态")
    for row in frame.itertuples(index=False):
        state = "启用" if row.active else "停用"
        print(f"{row.username}\t{row.display_name}\t{row.role}\t{row.regions}\t{state}")
    return 0


def cmd_change_user(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from db.admin import change_user
    from db.session import transaction
    from db.users import ROLES as ROLE_NAMES

    regions = _region_codes(factory, args.region) if args.region else None
    password = _password(args) if args.password_stdin or args.password else None
    with transaction(factory) as session:
        user = change_user(
            session,
            _operator(),
            args.username,
            role=args.role,
            regions=regions,
            active=args.active,
            password=password,
        )
        print(f"已修改用户 {user.username}（{ROLE_NAMES[user.role]}）")
    return 0


def cmd_template(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from workflows.first_run import ensure_ready
    from workflows.intake import reporting_template

    ensure_ready(engine, factory, sample=False)
    out = Path(args.output)
    fmt = "csv" if out.suffix.lower() == ".csv" else "xlsx"
    made = reporting_template(factory, args.region, args.period, fmt)
    out.write_bytes(made.content)
    print(f"已生成 {out}：{made.region_name} {args.period}，{made.count} 个指标")
    return 0


def cmd_published(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from workflows.first_run import ensure_ready
    from workflows.intake import STATUS_ZH
    from workflows.progress import recompute_progress
    from workflows.published import load_published

    ensure_ready(engine, factory, sample=False)
    counts = load_published(factory)
    print(
        f"已载入公开数据 {counts.figures} 条（跳过范围外 {counts.skipped} 条）；"
        f"国家统计局导出文件：{STATUS_ZH[counts.export_status]}；评估 {recompute_progress(factory)} 个目标"
    )
    return 0


def cmd_resolve(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db.regions import load_directory
    from indicators.regions import RegionError

    with factory() as session:
        directory = load_directory(session)
    failed = 0
    for name in args.names:
        try:
            region = directory.resolve(name)
            print(f"{name}\t{region.code}\t{region.name_zh}\t{region.level}")
        except RegionError as exc:
            print(f"{name}\t错误：{exc}", file=sys.stderr)
            failed = 1
    return failed


def cmd_create_user(
    args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]
) -> int:
    from db.admin import add_user
    from db.session import transaction
    from db.users import ROLES as ROLE_NAMES
    from db.users import check_password
    from workflows.first_run import ensure_ready

    password = _password(args)
    check_password(password, args.username)  # a weak one refused at once (add_user checks too)
    # the README's first step on a fresh clone, before the app ever started: set the
    # database up as the first start would (the same sample-data choice), not a traceback
    ensure_ready(engine, factory, sample=load_settings().load_sample_data)
    codes = _region_codes(factory, args.region)
    with transaction(factory) as session:
        user = add_user(session, _operator(), args.username, password, args.role, args.name, codes)
        print(f"已创建用户 {user.username}（{ROLE_NAMES[user.role]}）")
    return 0


def cmd_restore(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db import migrate
    from db.backup import restore

    if not args.yes:
        print("恢复会用备份替换数据库的全部内容；确认请加 --yes", file=sys.stderr)
        return 2
    restore(engine, Path(args.file))
    print(f"已从 {args.file} 恢复数据库（当前版本 {migrate.current_revision(engine)}）")
    return 0


def cmd_backup(args: argparse.Namespace, engine: Engine, factory: sessionmaker[Session]) -> int:
    from db.backup import backup

    dest = Path(args.dest) if args.dest else load_settings().data_dir / "backups"
    print(f"已备份到 {backup(engine, dest, keep=args.keep)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python manage.py",
        description="成渝地区双城经济圈规划目标监测平台 管理命令（数据库由 DATABASE_URL 指定）",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        return command

    add(
        "init",
        cmd_init,
        "迁移数据库到最新版本，在空库中载入地区主数据、目标库和示例数据，并评估进展",
    )
    add("migrate", cmd_migrate, "执行数据库迁移（升级）").add_argument(
        "--revision", default="head", help="目标版本（默认 head）"
    )
    add("downgrade", cmd_downgrade, "回退数据库迁移").add_argument(
        "--revision", default="base", help="目标版本（默认 base，即清空所有表）"
    )
    add("check", cmd_check, "检查模型与迁移是否一致（alembic check）")
    add("load-regions", cmd_load_regions, "校验并载入地区主数据（可重复执行）").add_argument(
        "--file", help="地区主数据文件（默认 config/regions.yaml）"
    )
    cat = add(
        "load-catalogue", cmd_load_catalogue, "校验并载入目标库（config/catalogue，可重复执行）"
    )
    cat.add_argument("--folder", help="目标库目录")  # default: config/catalogue
    cat.add_argument("--counts", action="store_true", help="列出每个规划的目标数和基期值数")
    add(
        "load-published",
        cmd_published,
        "载入公开数据层（config/published，A/B 级公开数据，可重复执行）",
    )
    add("load-sample", cmd_load_sample, "重新生成并载入示例数据（合成数据，固定随机种子）")
    add("recompute-progress", cmd_recompute, "重新计算全部目标的进展评估快照").add_argument(
        "--as-of", type=int, help="评估截至年份（默认：有数据的最近年份）"
    )
    imp = add("import-file", cmd_import, "导入统计数据文件（校验通过才导入，全部或全不）")
    imp.add_argument("file")
    imp.add_argument(
        "--vintage",
        choices=sorted(VINTAGES),
        help="数据版本（默认：文件注明经济普查修订的年份为经济普查修订数，其余为初步数）",
    )
    imp.add_argument(
        "--force-vintage",
        action="store_true",
        help="以本文件为准，即使库中已有较新的修订值（审核人员确认后使用）",
    )
    imp.add_argument("--indicator", help="文件未注明指标时使用的指标")
    imp.add_argument("--region", help="文件未注明地区时使用的地区")
    add("process-drop-folder", cmd_drop, "处理投放目录中的文件一次").add_argument(
        "--folder", help="投放目录（默认 DATA_DIR/drop）"
    )
    tok = add("create-token", cmd_token, "为用户签发 API 令牌（用于系统报送）")
    tok.add_argument("username")
    tok.add_argument("--name", required=True, help="令牌用途说明")
    tok.add_argument("--expires-in-days", type=int, help="有效天数（默认：撤销前一直有效）")
    tok.add_argument(
        "--trusted",
        action="store_true",
        help="直报：可信系统，文件直接导入（默认：填报员令牌的文件待审核）",
    )
    add("list-tokens", cmd_tokens, "列出 API 令牌（不显示令牌本身）")
    add("revoke-token", cmd_revoke_token, "撤销 API 令牌（写入审计日志）").add_argument(
        "token_id", type=int, help="令牌编号（见 list-tokens）"
    )
    tpl = add("make-template", cmd_template, "生成预填报送模板（.xlsx 或 .csv）")
    tpl.add_argument("region")
    tpl.add_argument("period", help="期间，如 2025年")
    tpl.add_argument("output", help="输出文件（.xlsx 或 .csv）")
    add(
        "mark-overdue", cmd_mark_overdue, "生成逾期提醒（配置了 SMTP_HOST 时发送邮件）"
    ).add_argument(
        "--today", type=_iso_date, help="按哪一天判断逾期，YYYY-MM-DD（默认：北京时间今天）"
    )
    add(
        "scheduler",
        cmd_scheduler,
        "运行调度进程（定时任务：处理投放目录、每晚重新评估进展、每天生成逾期提醒）",
    )
    ext = add("extract-targets", cmd_extract, "从规划文本中提出候选目标（供人工核对后写入目标库）")
    ext.add_argument("file", help="规划文本文件（UTF-8）")
    ext.add_argument("--lines", help="行范围，如 1-1404（默认全文）")
    ext.add_argument("--plan", default="plan", help="条目编号前缀（规划 id）")
    fig = add(
        "extract-figures",
        cmd_extract_figures,
        "从统计公报、经济运行情况或政府工作报告中提出候选数据（供联合办公室核对后写入公开数据层）",
    )
    fig.add_argument("file", help="公报文件（.txt、.md、.html，UTF-8 或 GBK）")
    fig.add_argument("--region", help="地区（默认从标题或发布机构识别）")
    fig.add_argument(
        "--publisher", default="", help="发布者，如 重庆市统计局（写入公开数据时必填）"
    )
    fig.add_argument("--url", help="原文网址")
    fig.add_argument(
        "--vintage", default="initial", choices=VINTAGE_ORDER, help="数据版本（默认 initial）"
    )
    fig.add_argument("--grade", default="B", choices=GRADES, help="可信度等级（默认 B）")
    fig.add_argument("--year", type=int, help="年份（默认从正文识别）")
    fig.add_argument(
        "--append-to", help="把候选数据追加到此文件（config/published/figures.yaml 格式）"
    )
    conf = add(
        "confirm-figures",
        cmd_confirm_figures,
        "把核对过的公开数据条目（figures.yaml 格式，如 extract-figures --append-to 所写）写入公开数据层",
    )
    conf.add_argument("file", help="公开数据条目文件（YAML）")
    conf.add_argument("--by", required=True, help="确认人的用户名（审核员或管理员，记入审计日志）")
    add("resolve-region", cmd_resolve, "把任意写法的地区名称解析为标准地区").add_argument(
        "names", nargs="+", help="地区名称、别名、英文名或代码"
    )
    user = add("create-user", cmd_create_user, "创建用户")
    user.add_argument("username")
    user.add_argument("--role", required=True, choices=sorted(ROLES), help="角色")
    user.add_argument("--name", help="显示名称")
    user.add_argument("--region", action="append", default=[], help="填报员可报送的地区（可多次）")
    user.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码（至少 12 位，不能是常见密码或用户名）",
    )
    add("list-users", cmd_users, "列出用户、角色和地区")
    change = add("change-user", cmd_change_user, "修改用户的角色、地区、状态或密码（写入审计日志）")
    change.add_argument("username")
    change.add_argument("--role", choices=sorted(ROLES), help="新角色")
    change.add_argument(
        "--region", action="append", default=[], help="改为这些地区（可多次；替换原有地区）"
    )
    state = change.add_mutually_exclusive_group()
    state.add_argument("--activate", dest="active", action="store_const", const=True, help="启用")
    state.add_argument(
        "--deactivate", dest="active", action="store_const", const=False, help="停用"
    )
    change.add_argument("--password", action="store_true", help="重设密码（交互输入）")
    change.add_argument("--password-stdin", action="store_true", help="重设密码，从标准输入读取")
    back = add("backup", cmd_backup, "备份数据库（SQLite 在线备份 / PostgreSQL pg_dump）")
    back.add_argument("--dest", help="备份目录（默认 DATA_DIR/backups）")
    back.add_argument("--keep", type=int, default=14, help="保留最近几份（默认 14）")
    rest = add("restore", cmd_restore, "从备份恢复数据库（替换全部内容；先停止网页和调度进程）")
    rest.add_argument("file", help="备份文件（.sqlite 或 .dump）")
    rest.add_argument("--yes", action="store_true", help="确认替换")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = load_settings()
    problem = data_dir_problem(settings)
    if problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    from db.session import make_engine, make_session_factory

    engine = make_engine(settings.sqlalchemy_url)
    try:
        return args.handler(args, engine, make_session_factory(engine))
    except Exception as exc:
        if not isinstance(exc, _refusals()):
            raise
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()


def _refusals() -> tuple[type[Exception], ...]:
    """The errors a command ends with their message (exit 2) instead of a traceback.
    Imported when one was raised, not at start: a command that never imported a
    module cannot have raised its error."""
    from db.backup import BackupError
    from db.users import UserError
    from indicators.catalogue import CatalogueError
    from indicators.normalise import NormaliseError
    from indicators.regions import RegionError
    from indicators.reporting_calendar import CalendarError

    return (RegionError, UserError, BackupError, CatalogueError, NormaliseError, CalendarError)


if __name__ == "__main__":
    sys.exit(main())
