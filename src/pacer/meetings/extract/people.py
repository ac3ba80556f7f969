"""People in a meeting article: who spoke (a name followed by a verb of speaking), who chaired.

English names are two or three capitalised words ("Yuan Jie", "Liu Shiquan") before "pointed
out", "stressed", "put forward" … or in "According to X,"; a surname alone ("Yuan stressed")
stands for the full name met before. Chinese names are a common surname and one or two more
characters, after a title (董事长, 总经理, 书记 …) or at the start of a clause, before 指出, 强调,
要求, 提出, 讲话 … Titles are never part of a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pacer.meetings.extract.text import Article

_EN_NAME = r"[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3}"
_EN_VERB = (
    r"(?:\s+(?:also|fully|further|then|first|specifically|clearly|finally|highly))*\s+"
    r"(?:pointed\s+out|stressed|emphasi[sz]ed|put\s+forward|called\s+for|said|noted|required|urged|demanded|"
    r"asked|proposed|raised|highlighted|delivered|presented|made\s+(?:a|an|the)\b|gave\s+(?:a|an)\b|spoke|"
    r"affirmed|summari[sz]ed|instructed|requested|reviewed|concluded)\b"
)
_EN_SPEAKER = re.compile(
    rf"\b(?P<name>{_EN_NAME})(?:,[^.;\n]{{3,160}}?,)?{_EN_VERB}|\bAccording\s+to\s+(?P<by>{_EN_NAME}),"
)
_EN_TITLES = frozenset(
    [
        "General",
        "Secretary",
        "President",
        "Chairman",
        "Chairwoman",
        "Deputy",
        "Vice",
        "Manager",
        "Director",
        "Comrade",
        "Chief",
        "Party",
        "Committee",
        "Leader",
        "Member",
        "Mr",
        "Ms",
        "Mrs",
        "Dr",
        "Academician",
        "Premier",
        "Minister",
        "Governor",
        "Mayor",
        "Head",
        "Accountant",
        "Engineer",
    ]
)
_EN_NOT_NAMES = frozenset(
    [
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "He",
        "She",
        "They",
        "We",
        "You",
        "In",
        "At",
        "On",
        "As",
        "By",
        "For",
        "With",
        "After",
        "During",
        "When",
        "While",
        "Its",
        "His",
        "Her",
        "Their",
        "Our",
        "Group",
        "Corporation",
        "Company",
        "Committee",
        "Academy",
        "Department",
        "Office",
        "Conference",
        "Meeting",
        "Session",
        "Commission",
        "Council",
        "Ltd",
        "Co",
        "Institute",
        "Branch",
        "University",
        "Government",
        "Ministry",
        "Bureau",
        "Center",
        "Centre",
        "Report",
        "Representatives",
        "Leaders",
        "Members",
        "Heads",
        "All",
        "Each",
        "Every",
        "Both",
        "Everyone",
    ]
)
_EN_CHAIR = re.compile(rf"\b(?:chaired|presided\s+over|hosted|moderated)\s+by\s+(?P<name>{_EN_NAME})")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏"
    "席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_ZH_TITLE = (
    r"(?:董事长|总经理|副总经理|书记|副书记|主任|副主任|部长|副部长|局长|院长|主席|总裁|副总裁|总会计师|总工程师|"
    r"总师|组长|厂长|经理|会长|理事长|秘书长|行长|市长|省长|主任委员|委员|负责人|首席信息官|总法律顾问|同志)"
)
_ZH_NAME = rf"[{SURNAMES}][\u4e00-\u9fff]{{1,2}}?"
_ZH_VERB = r"(?:同志)?(?:在[^,。;:\n]{0,24}?[,]?)?(?:指出|强调|要求|提出|表示|讲话|发表|作了|作|总结|传达|通报|代表)"
_ZH_SPEAKER = re.compile(rf"(?:{_ZH_TITLE}|(?:^|(?<=[\s,。;:、]))[\"“]?)(?P<name>{_ZH_NAME}){_ZH_VERB}", re.M)
_ZH_CHAIR = re.compile(
    rf"(?:会议|大会|会)由(?P<who>[^,。;:\n]{{2,30}}?)主持|(?P<name>{_ZH_NAME})(?:同志)?主持(?:了)?(?:会议|大会)"
    r"|主持人\s*[:]\s*(?P<host>[^,。;:\n]{2,20})"
)
_ZH_NOT_NAMES = frozenset(
    [
        "严格",
        "高度",
        "于是",
        "周密",
        "任务",
        "方面",
        "全面",
        "黄金",
        "龙头",
        "万元",
        "党委",
        "党组",
        "文件",
        "常委",
        "华为",
        "安全",
        "和平",
    ]
)


@dataclass(frozen=True)
class Mention:
    position: int
    name: str


def speakers(article: Article) -> list[Mention]:
    """Every mention of someone speaking, in order of position."""
    if article.language == "zh":
        return _zh_speakers(article)
    return _en_speakers(article)


def _zh_speakers(article: Article) -> list[Mention]:
    found = []
    for match in _ZH_SPEAKER.finditer(article.norm):
        name = article.text[match.start("name") : match.end("name")]
        if article.norm[match.start("name") : match.end("name")] not in _ZH_NOT_NAMES:
            found.append(Mention(match.start(), name))
    return found


def _en_speakers(article: Article) -> list[Mention]:
    found: list[Mention] = []
    full: dict[str, str] = {}
    for match in _EN_SPEAKER.finditer(article.text):
        name = _en_name(match["name"] or match["by"])
        if name is None:
            continue
        if " " not in name:  # a surname alone: the full name met before, if any
            name = full.get(name, "")
            if not name:
                continue
        else:
            full.setdefault(name.split()[0], name)
        found.append(Mention(match.start(), name))
    return found


def _en_name(words: str) -> str | None:
    """The name without its titles; None when it is no name ("The report", "Group Corporation")."""
    parts = re.split(r"\s+", words.strip())
    while parts and parts[0] in _EN_TITLES:
        parts.pop(0)
    if not parts or any(p in _EN_NOT_NAMES for p in parts):
        return None
    return " ".join(parts)


def speaker_before(mentions: list[Mention], position: int) -> str | None:
    """Who last spoke before ``position``: the speaker of a list beginning there."""
    before = [m.name for m in mentions if m.position < position]
    return before[-1] if before else None


def chair(article: Article) -> str | None:
    """Who chaired (presided over) the meeting."""
    if article.language != "zh":
        match = _EN_CHAIR.search(article.text)
        return _en_name(match["name"]) if match else None
    zh = _ZH_CHAIR.search(article.norm)
    if zh is None:
        return None
    group = next(g for g in ("who", "name", "host") if zh[g])
    start, end = zh.span(group)
    after_title = re.split(_ZH_TITLE, article.norm[start:end])[-1]
    return article.text[end - len(after_title) : end].strip() or None


def unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))
