"""``python -m dashboard``: set up the database if needed and serve the app."""

from __future__ import annotations

import argparse

from config.logs import configure_logging
from config.settings import data_dir_problem, load_settings
from dashboard.app import create_app
from db.session import make_engine, make_session_factory
from workflows.first_run import ensure_ready


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
    args = parser.parse_args(argv)
    problem = data_dir_problem(settings)
    if problem:
        raise SystemExit(f"错误：{problem}")
    configure_logging(settings)
    engine = make_engine(settings.sqlalchemy_url)
    factory = make_session_factory(engine)
    ensure_ready(engine, factory, sample=settings.load_sample_data)
    app = create_app(settings, factory)
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
