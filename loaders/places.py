"""Places that published tables list beside the circle's: the other provinces, the
major cities of the NBS city database, the nation — in Chinese and in the English
edition of the NBS portal (including the misspelling "Chongqin" seen in its exports).

A row for one of them is outside the monitor: skipped with one grouped notice in
any layout, and never answered with "您是否要找：渝北区" (北京 is not a typo).
"""

from __future__ import annotations

import re

from indicators.regions import normalise_name

PROVINCES_ZH = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 广西 海南 重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门"
).split()
PROVINCES_EN = (
    "Beijing,Tianjin,Hebei,Shanxi,Inner Mongolia,Liaoning,Jilin,Heilongjiang,Shanghai,Jiangsu,"
    "Zhejiang,Anhui,Fujian,Jiangxi,Shandong,Henan,Hubei,Hunan,Guangdong,Guangxi,Hainan,Chongqing,"
    "Sichuan,Guizhou,Yunnan,Tibet,Xizang,Shaanxi,Gansu,Qinghai,Ningxia,Xinjiang,Taiwan,Hong Kong,"
    "Macao,Macau"
).split(",")
# the 36 major cities of the NBS 主要城市年度数据 database (short names, as it writes them)
MAJOR_CITIES = (
    "石家庄 太原 呼和浩特 沈阳 大连 长春 哈尔滨 南京 杭州 宁波 合肥 福州 厦门 南昌 济南 青岛 郑州 "
    "武汉 长沙 广州 深圳 南宁 海口 成都 贵阳 昆明 拉萨 西安 兰州 西宁 银川 乌鲁木齐"
).split()
NATION = ("全国", "中国", "全国合计", "全国总计", "national", "nationwide", "china", "total")
# spellings of the circle's own names found in real exports → the name they mean
MISSPELLED = {"chongqin": "重庆市"}

_SUFFIX = re.compile(r"(?:省|市|自治区|特别行政区|维吾尔|回族|壮族)+$")


def _key(name: str) -> str:
    key = normalise_name(name)
    return key if key.isascii() else _SUFFIX.sub("", key.replace("维吾尔自治区", ""))


_OUTSIDE = {_key(n) for n in (*PROVINCES_ZH, *PROVINCES_EN, *MAJOR_CITIES, *NATION)} | {
    normalise_name(f"{n} province") for n in PROVINCES_EN
}


def is_outside_region(name: str) -> bool:
    """Whether ``name`` is a province, major city or the nation that published tables
    list (the caller has already failed to find it among the monitor's regions)."""
    return _key(name) in _OUTSIDE
