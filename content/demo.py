"""The demo county's content: the portal, a column and 泗洪发布, with items in every state of 三审三校.

Texts paraphrase the county's own 2023 work points (a public government document); the 图解 and the
动漫 carry a small bar-chart PNG drawn in code, with its alt text; one draft carries
the mistakes the proofreader exists for (a 届次 in digits, a phone number, a 发文字号 in square
brackets, an outdated agency name). Times are spread over the last weeks so the dashboard has a
history of weekly new-form works and one review step is overdue.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from content import attachments, dictionaries, workflow
from content.models import Channel, ContentAttachment, ContentForm, ContentItem, ContentKind, DictionaryEntry
from core import services as core_services
from core.models import Role, Unit, UnitKind, User

OFFICE = "县政府办"
OPERATOR_COMPANY = "江苏云帆网络科技有限公司"

TEXTS = {
    "meeting": "县政府召开数字政府建设推进会，部署2023年数字政府建设、政府网站和政务新媒体重点工作。会议要求各单位"
               "坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神，持续深化政府网站内容建设。",
    "notice": "各乡镇人民政府、县各有关部门：为进一步加强政务新媒体管理，县政府办公室将于第二季度开展政务新媒体检查，"
              "重点检查信息更新、互动回应和安全管理情况。请各单位于5月31日前完成自查并报送自查报告。",
    "explain": "一图读懂泗洪县2023年政府网站工作要点：深化政务公开和政策解读，优化网站集约化平台功能，严格落实三审三校、"
               "先审后发要求，简单咨询1个工作日内答复。",
    "video": "走进县大数据中心：看数据如何让群众少跑腿。县大数据中心汇聚全县数据资源，支撑政务服务一网通办。",
    "faulty": "认真学习贯彻党的20大精神，按照国办发[2018]123号文件要求，县国土资源局将于本月完成政策文件库梳理。"
              "如有疑问请联系王老师，电话13812345678。",
    "weekly": "本周县政府网站共发布动态信息二十三条，政策解读三篇，回复网民留言十一件，均在规定时限内办结。",
    "key": "泗洪县人民政府关于进一步加强政务新媒体管理的实施意见（征求意见稿）全文公开，欢迎社会各界提出意见建议。",
    "animation": "动漫：小政带你了解“我为政府网站找错”，发现网站错误可随时留言，我们将在1个工作日内答复。",
    "post": "【泗洪发布】今日起，县政务服务中心延时服务窗口周末正常开放，办理时间为上午9:00至12:00。",
    "old": "县政府网站2022年第四季度检查情况通报，各单位网站整改情况良好。",
}


def png(width: int, height: int, bars: list[tuple[int, tuple[int, int, int]]]) -> bytes:
    """A small bar chart as PNG, written by hand (zlib + struct): the demo downloads nothing.

    ``bars`` are (percent of the height, RGB colour), drawn left to right on white.
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    slot = width // max(1, len(bars))
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter type 0 for every scanline
        for x in range(width):
            n = x // slot
            inside = n < len(bars) and slot // 6 <= x % slot < slot - slot // 6
            if inside and height - y <= height * bars[n][0] // 100:
                row += bytes(bars[n][1])
            else:
                row += b"\xf5\xf7\xfa" if y % 20 else b"\xcf\xd6\xde"  # light grid lines
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


RED, BLUE, GREEN = (163, 21, 27), (11, 87, 164), (23, 102, 58)
IMAGES = {
    "explain": ("一图读懂-2023年政府网站工作要点.png", [(40, RED), (65, BLUE), (90, GREEN)],
                "图解：2023年政府网站工作要点三项重点——深化政务公开和政策解读、优化集约化平台功能、"
                "落实三审三校和先审后发，柱状图表示各项工作的推进程度逐步提高"),
    "animation": ("我为政府网站找错-动漫封面.png", [(80, BLUE), (55, RED), (30, GREEN), (70, BLUE)],
                  "动漫封面：“我为政府网站找错”活动，发现网站错误可随时留言，1个工作日内答复"),
}


def _attach_image(item: ContentItem, key: str, by: User, when: datetime) -> None:
    name, bars, alt = IMAGES[key]
    upload = SimpleUploadedFile(name, png(320, 180, bars), content_type="image/png")
    attached = attachments.add_attachment(by, item, upload, description=alt)
    attached.created_at = when  # uploaded with the draft, in the demo's past
    attached.save(update_fields=["created_at"])


def _people(office: Unit) -> dict[str, User]:
    names = {"editor": Role.EDITOR, "reviewer1": Role.REVIEWER_1, "reviewer2": Role.REVIEWER_2,
             "reviewer3": Role.REVIEWER_FINAL, "head": Role.UNIT_HEAD}
    found = {u.username: u for u in User.objects.filter(username__in=names, unit=office)}
    return found if len(found) == len(names) else {}


def _operator() -> User:
    company = Unit.objects.filter(short_name=OPERATOR_COMPANY).first() or core_services.create_unit(
        None, short_name=OPERATOR_COMPANY, full_name=OPERATOR_COMPANY, kind=UnitKind.OUTSIDE, sort_order=95)
    existing = User.objects.filter(username="operator").first()
    if existing is not None:
        return existing
    return core_services.create_person(None, username="operator", password="Zhengtong@2023", display_name="郑运维",
                                       unit=company, roles=[Role.EDITOR])


def _channels(office: Unit, operator: User) -> dict[str, Channel]:
    specs = [("portal", Channel.Kind.PORTAL, "泗洪县人民政府门户网站", "", "http://www.sihong.gov.cn/"),
             ("open", Channel.Kind.COLUMN, "政务公开专栏", "", ""),
             ("wechat", Channel.Kind.NEW_MEDIA, "泗洪发布", "微信公众号", "")]
    out = {}
    for slug, kind, name, platform, url in specs:
        channel, _ = Channel.objects.get_or_create(slug=slug, defaults={
            "unit": office, "kind": kind, "name": name, "platform": platform, "url": url})
        out[slug] = channel
    out["wechat"].operators.add(operator)
    return out


def load() -> str:
    seeded = dictionaries.load_seed()
    office = Unit.objects.filter(short_name=OFFICE).first()
    if office is None:
        return "缺少演示单位，跳过"
    people = _people(office)
    if not people:
        return "缺少演示人员，跳过"
    operator = _operator()
    channels = _channels(office, operator)
    if ContentItem.objects.exists():
        return f"已有稿件 {ContentItem.objects.count()} 篇，跳过"
    now = timezone.now()
    made = _items(people, operator, office, channels, now)
    counts = {s: ContentItem.objects.filter(state=s).count() for s in ("draft", "review_1", "review_2", "final",
                                                                        "approved", "published", "withdrawn")}
    return (f"发布渠道 {len(channels)} 个（含代运维账号 operator），稿件 {made} 篇（"
            + "、".join(f"{ContentItem(state=s).get_state_display()} {n}" for s, n in counts.items() if n)
            + f"），图片附件 {ContentAttachment.objects.count()} 个，"
            f"校对词典 {DictionaryEntry.objects.count()} 条（本次载入 {seeded} 条）")


def _items(p: dict[str, User], operator: User, office: Unit, ch: dict[str, Channel], now: datetime) -> int:
    def create(key: str, title: str, channels: list[Channel], when: datetime, *, by: User | None = None,
               **kw: Any) -> ContentItem:
        return workflow.create_item(by or p["editor"], office, title=title, body=TEXTS[key], channels=channels,
                                    now=when, **kw)

    def reviewed(item: ContentItem, when: datetime, until: str = "approved", **final: str) -> ContentItem:
        workflow.submit(item.author or p["editor"], item, now=when)
        steps = ["reviewer1", "reviewer2", "head" if item.is_key else "reviewer3"]
        for n, who in enumerate(steps):
            if item.state == until:
                break
            workflow.review(p[who], item, decision="pass", opinion="同意" if n < 2 else "同意发布",
                            now=when + timedelta(hours=n + 1), **(final if n == 2 else {}))
        return item

    def published(key: str, title: str, channels: list[Channel], days: int, **kw: Any) -> ContentItem:
        when = now - timedelta(days=days, hours=3)
        item = create(key, title, channels, when, **kw)
        if key in IMAGES:
            _attach_image(item, key, p["editor"], when + timedelta(minutes=20))
        item = reviewed(item, when)
        workflow.publish(p["editor"], item, now=when + timedelta(hours=4))
        return item

    published("meeting", "县政府召开数字政府建设推进会", [ch["portal"], ch["wechat"]], 24)
    published("notice", "关于开展2023年第二季度政务新媒体检查的通知", [ch["portal"], ch["open"]], 17,
              kind=ContentKind.NOTICE)
    published("explain", "一图读懂泗洪县2023年政府网站工作要点", [ch["portal"], ch["wechat"]], 15,
              kind=ContentKind.INTERPRETATION, form=ContentForm.GRAPHIC)
    published("video", "视频：走进县大数据中心", [ch["wechat"]], 9, form=ContentForm.VIDEO)
    published("animation", "动漫：我为政府网站找错", [ch["portal"], ch["wechat"]], 2, form=ContentForm.ANIMATION)
    withdrawn = published("old", "2022年第四季度政府网站检查情况通报", [ch["portal"]], 30, kind=ContentKind.NOTICE)
    workflow.withdraw(p["reviewer3"], withdrawn, reason="通报已被2023年第一季度通报替代", now=now - timedelta(days=5))

    create("faulty", "关于做好政策文件库梳理工作的通知", [ch["portal"], ch["open"]], now - timedelta(hours=5),
           kind=ContentKind.NOTICE)
    returned = create("weekly", "本周政府网站运行情况", [ch["portal"]], now - timedelta(days=2))
    workflow.submit(p["editor"], returned, now=now - timedelta(days=2))
    workflow.review(p["reviewer1"], returned, decision="return", opinion="请补充留言办理的具体时限和满意度情况",
                    now=now - timedelta(days=1, hours=20))
    late = create("weekly", "上周政府网站运行情况", [ch["portal"]], now - timedelta(days=6))
    workflow.submit(p["editor"], late, now=now - timedelta(days=6))  # 初审 overdue
    reviewed(create("meeting", "数字政府建设推进会会议精神传达", [ch["open"]], now - timedelta(days=1)),
             now - timedelta(days=1), until="review_2")
    reviewed(create("key", "关于进一步加强政务新媒体管理的实施意见（征求意见稿）", [ch["portal"], ch["open"]],
                    now - timedelta(days=1), is_key=True), now - timedelta(days=1), until="final")
    reviewed(create("notice", "关于报送政务新媒体自查报告的提醒", [ch["portal"]], now - timedelta(hours=6),
                    kind=ContentKind.NOTICE), now - timedelta(hours=6))
    post = create("post", "周末延时服务窗口开放", [ch["wechat"]], now - timedelta(hours=3), by=operator,
                  kind=ContentKind.POST)
    workflow.submit(operator, post, now=now - timedelta(hours=3))
    return ContentItem.objects.count()
