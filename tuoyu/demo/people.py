"""Synthetic people for demos, tests and benchmarks: realistic Chinese names, valid ID numbers and
mobile numbers. They are generated, never real: the sequence numbers are random and the check characters
are computed, so any resemblance to a real person's number is chance."""

from __future__ import annotations

import datetime as dt
import random

from tuoyu.core.validators import id_check_character

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华玉兰萍鹏辉玲建国红梅文斌宇浩然欣怡子涵梓萱一诺佳琪思远雨桐晨阳博文"
    "婷雪琳嘉怡俊杰志强海燕春梅秋菊晓东丹丹慧敏雅琴振华建军"
)


def chinese_name(rng: random.Random) -> str:
    given_len = rng.choice((1, 2, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def id_number(rng: random.Random, *, area_code: str, born: dt.date, sex: str | None = None) -> str:
    seq = rng.randint(0, 99)
    sex_digit = (
        rng.choice("13579") if sex == "M" else rng.choice("02468") if sex == "F" else str(rng.randint(0, 9))
    )
    first17 = f"{area_code[:6]}{born:%Y%m%d}{seq:02d}{sex_digit}"
    return first17 + id_check_character(first17)


def adult_birth_date(rng: random.Random, *, today: dt.date, min_age: int = 22, max_age: int = 58) -> dt.date:
    days = rng.randint(min_age * 365, max_age * 365)
    return today - dt.timedelta(days=days)


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(
        [
            "130",
            "131",
            "132",
            "135",
            "136",
            "137",
            "138",
            "139",
            "150",
            "151",
            "152",
            "155",
            "158",
            "159",
            "166",
            "177",
            "180",
            "181",
            "186",
            "187",
            "188",
            "189",
            "191",
            "199",
        ]
    )
    return prefix + f"{rng.randint(0, 99_999_999):08d}"
