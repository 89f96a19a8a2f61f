"""``python -m dashboard``: set up the database if needed and serve the app."""

from __future__ import annotations

import argparse
import os

from config.logs import configure_logging
from config.settings import data_dir_problem, load_settings


def main(argv: list[str] | None = None) -> None:
    settings = load_settings()
    parser = argparse.ArgumentParser(
        prog="python -m dashboard", description="启动成渝地区双城经济圈规划目标监测平台"
    )
    parser.add_argument("--host", default=settings.host, help="监听地址（默认 %(default)s）")
    parser.add_argument("--port", type=int, default=settings.port, help="端口（默认 %(default)s）")
    parser.add_argument(
        "--debug", action="store_true", default=settings.debug, help="Dash 调试模式"
    )
    parser.add_argument(
        "--no-scheduler",
        dest="scheduler",
        action="store_false",
        default=settings.run_scheduler,
        help="不在本进程内运行定时任务（另有 manage.py scheduler 进程时使用；环境变量 RUN_SCHEDULER=false 同）",
    )
    args = parser.parse_args(argv)
    problem = data_dir_problem(settings)
    if problem:
        raise SystemExit(f"错误：{problem}")
    # the app's import (seconds of CPU) only once the data folder is known to be usable
    from dashboard.app import create_app
    from db.session import make_engine, make_session_factory
    from workflows.first_run import ensure_ready
    from workflows.scheduler import in_process_scheduler

    configure_logging(settings)
    engine = make_engine(settings.sqlalchemy_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=settings.load_sample_data)
    app = create_app(settings, factory)
    # in debug mode the reloader runs this twice: the jobs only in the child that serves
    if args.scheduler and (not args.debug or os.environ.get("WERKZEUG_RUN_MAIN") == "true"):
        in_process_scheduler(settings.data_dir / "drop", settings.data_dir / "backups").start()
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
