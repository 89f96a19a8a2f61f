"""The box a file is dropped on (or clicked to choose one) on 数据校验, 数据填报 and 公报读取.

One home so that the three say the same words, look the same (a dashed box), and state the
size limit the browser enforces with the number it enforces (``max_size``).
"""

from __future__ import annotations

from dash import dcc, html

from dashboard.i18n import t


def upload_box(
    id_: str,
    lang: str,
    drop: tuple[str, str],
    kinds: tuple[str, str] | None = None,
    limit: int | None = None,
) -> dcc.Upload:
    """``drop`` is the invitation (Chinese, English); ``kinds`` the files taken, said with
    ``limit`` (bytes), which the browser then refuses to exceed."""
    words = [t(lang, *drop), html.A(t(lang, "点击选择文件", "choose a file"))]
    if kinds is not None and limit is not None:
        megabytes = f"{limit / 1024 / 1024:g}"
        words.append(
            t(
                lang,
                f"（{kinds[0]}，不超过 {megabytes} MB）",
                f" ({kinds[1]}, at most {megabytes} MB)",
            )
        )
    return dcc.Upload(
        id=id_,
        children=html.Div(words),
        className="border border-2 rounded p-4 text-center bg-light mb-3",
        style={"borderStyle": "dashed"},
        **({} if limit is None else {"max_size": limit}),
    )
