"""Shared word material for the demo scenario: themes, handles, goods, repost and edit phrases."""

from __future__ import annotations

from typing import Final

# Theme names exactly as they appear in ``truth["topic"]``.
EPIDEMIC_BULLETIN: Final = "疫情通报"
CONTROL_MEASURES: Final = "防控措施"
NUCLEIC_TESTING: Final = "核酸检测"
MEDICAL_CARE: Final = "医疗救治"
SUPPLIES: Final = "物资供应"
PRICES: Final = "物价"
CHECKPOINTS: Final = "交通卡口"
QUARANTINE: Final = "隔离管控"
SCHOOLS: Final = "学校教育"
RESUMPTION: Final = "复工复产"
HELP_REQUESTS: Final = "求助"
RUMOURS: Final = "谣言"
THANKS: Final = "感谢表扬"

# (theme, base share, share of items that are news articles rather than posts)
THEME_MIX: Final[tuple[tuple[str, float, float], ...]] = (
    (EPIDEMIC_BULLETIN, 8.0, 0.75),
    (CONTROL_MEASURES, 10.0, 0.55),
    (NUCLEIC_TESTING, 14.0, 0.25),
    (MEDICAL_CARE, 6.0, 0.45),
    (SUPPLIES, 9.0, 0.25),
    (PRICES, 6.0, 0.2),
    (CHECKPOINTS, 7.0, 0.25),
    (QUARANTINE, 8.0, 0.35),
    (SCHOOLS, 6.0, 0.35),
    (RESUMPTION, 5.0, 0.5),
    (HELP_REQUESTS, 7.0, 0.05),
    (RUMOURS, 6.0, 0.12),
    (THANKS, 7.0, 0.25),
)

THEMES: Final[tuple[str, ...]] = tuple(name for name, _, _ in THEME_MIX)

# Weibo-style topic tags, one is sometimes put in front of a post.
HASHTAGS: Final[dict[str, tuple[str, ...]]] = {
    EPIDEMIC_BULLETIN: ("#青岚疫情#", "#青岚疫情最新通报#"),
    CONTROL_MEASURES: ("#青岚疫情防控#", "#青岚疫情#"),
    NUCLEIC_TESTING: ("#青岚核酸检测#", "#青岚全员核酸#"),
    MEDICAL_CARE: ("#青岚就医#", "#青岚疫情#"),
    SUPPLIES: ("#青岚物资保障#", "#青岚保供#"),
    PRICES: ("#青岚物价#", "#哄抬物价#"),
    CHECKPOINTS: ("#青岚卡口#", "#青岚出行#"),
    QUARANTINE: ("#青岚隔离#", "#青岚疫情防控#"),
    SCHOOLS: ("#青岚停课不停学#", "#青岚开学#"),
    RESUMPTION: ("#青岚复工复产#",),
    HELP_REQUESTS: ("#青岚求助#", "#青岚疫情求助#"),
    RUMOURS: ("#青岚疫情#", "#扩散#"),
    THANKS: ("#致敬抗疫一线#", "#青岚加油#"),
}

# Platform emoticons put at the end of some posts, matched to the mood of the theme;
# the empty strings keep most posts without one.
_COMPLAINING: Final = ("", "", "", "[怒]", "[哭]", "[允悲]", "[费解]")
_WORRIED: Final = ("", "", "", "[泪]", "[哭]", "[抱抱]")
_WARM: Final = ("", "", "[心]", "[赞]", "[加油]", "[抱抱]")
_ALARMED: Final = ("", "", "", "[吃惊]", "[费解]", "[doge]")
_WRY: Final = ("", "", "", "[允悲]", "[doge]", "[加油]")
EMOJI_TAILS: Final[dict[str, tuple[str, ...]]] = {
    EPIDEMIC_BULLETIN: _WORRIED,
    CONTROL_MEASURES: _COMPLAINING,
    NUCLEIC_TESTING: _COMPLAINING,
    MEDICAL_CARE: _WORRIED,
    SUPPLIES: _COMPLAINING,
    PRICES: _COMPLAINING,
    CHECKPOINTS: _COMPLAINING,
    QUARANTINE: _WRY,
    SCHOOLS: _WRY,
    RESUMPTION: _WRY,
    HELP_REQUESTS: _WORRIED,
    RUMOURS: _ALARMED,
    THANKS: _WARM,
}

# Pieces for fictional platform handles, combined at build time.
HANDLE_PREFIXES: Final[tuple[str, ...]] = (
    "青岚",
    "岚城",
    "江畔",
    "河西",
    "钢花",
    "湖滨",
    "城南",
    "北街",
    "老城",
    "东关",
    "白沙",
    "柳岸",
    "钟楼",
    "望湖",
    "小城",
    "西门",
)
HANDLE_CORES: Final[tuple[str, ...]] = (
    "小王",
    "老李",
    "阿花",
    "大刘",
    "小陈",
    "阿杰",
    "胖虎",
    "小鱼",
    "二丫",
    "小赵",
    "宝妈",
    "奶爸",
    "打工人",
    "吃货",
    "跑腿小哥",
    "退休教师",
    "的士师傅",
    "快递员",
    "志愿者",
    "店老板",
    "上班族",
    "大学生",
    "摄影师",
    "老街坊",
)
HANDLE_ADJECTIVES: Final[tuple[str, ...]] = (
    "江边的",
    "爱吃面的",
    "不睡觉的",
    "会飞的",
    "晒太阳的",
    "早起的",
    "话很多的",
    "想出门的",
    "在家憋坏的",
    "认真生活的",
    "慢吞吞的",
    "楼下的",
)
HANDLE_NOUNS: Final[tuple[str, ...]] = (
    "猫",
    "橘子",
    "大白",
    "兔子",
    "小熊",
    "鲸鱼",
    "风筝",
    "土豆",
    "向日葵",
    "柠檬",
    "麻雀",
    "咸鱼",
)
HANDLE_YEARS: Final[tuple[str, ...]] = (
    "",
    "",
    "2021",
    "1988",
    "1995",
    "2008",
    "666",
    "88",
    "_",
    "_qd",
    "v5",
    "007",
)

# Goods that residents ask about or complain about.
GOODS: Final[tuple[str, ...]] = (
    "口罩",
    "N95口罩",
    "退烧药",
    "布洛芬",
    "抗原试剂",
    "蔬菜",
    "米面油",
    "鸡蛋",
    "猪肉",
    "奶粉",
    "消毒液",
    "酒精",
    "降压药",
    "胰岛素",
)
VEGETABLES: Final[tuple[str, ...]] = (
    "白菜",
    "土豆",
    "西红柿",
    "黄瓜",
    "青椒",
    "大葱",
    "芹菜",
    "菠菜",
    "萝卜",
    "豆角",
)
MEDICINES: Final[tuple[str, ...]] = (
    "布洛芬",
    "对乙酰氨基酚",
    "退烧药",
    "感冒颗粒",
    "止咳糖浆",
    "连花类胶囊",
)

# Comments put in front of ``//@handle:original`` in reposts.
REPOST_COMMENTS: Final[tuple[str, ...]] = (
    "转发微博",
    "转发",
    "扩散一下",
    "收到",
    "码住",
    "关注一下",
    "希望早日解封",
    "大家都注意点吧",
    "辛苦了",
    "有没有人知道具体情况？",
    "终于有消息了",
    "同问",
    "我们小区也是这样",
    "求官方回应",
    "这个必须转",
    "家里老人看看",
    "希望是真的",
    "说得对",
    "唉，什么时候是个头",
    "支持！",
    "已转给家人群",
)
RUMOUR_REPOST_COMMENTS: Final[tuple[str, ...]] = (
    "真的假的？",
    "赶紧扩散！",
    "宁可信其有",
    "有官方消息吗？",
    "别传了，已经辟谣了",
    "又是谣言吧",
    "朋友圈都在传",
    "我也收到了",
    "转给爸妈了",
    "不信谣不传谣",
)
THANKS_REPOST_COMMENTS: Final[tuple[str, ...]] = (
    "致敬！[心]",
    "你们辛苦了",
    "感动",
    "青岚加油！",
    "谢谢你们[抱抱]",
    "最美逆行者",
)

# Small word swaps used when a post or article is copied with light edits.
EDIT_SWAPS: Final[tuple[tuple[str, str], ...]] = (
    ("市民", "居民"),
    ("已经", "已"),
    ("目前", "现在"),
    ("请", "请大家"),
    ("我们", "咱们"),
    ("非常", "特别"),
    ("开展", "进行"),
    ("表示", "介绍"),
    ("今天", "今日"),
    ("没有", "没"),
    ("大家", "各位"),
    ("可以", "能"),
    ("马上", "立刻"),
    ("附近", "周边"),
    ("情况", "状况"),
    ("小区", "社区"),
    ("排队", "排长队"),
    ("通知", "消息"),
)
PUNCTUATION_SWAPS: Final[tuple[tuple[str, str], ...]] = (
    ("，", ","),
    ("。", "！"),
    ("！", "!!"),
    ("？", "?"),
    ("：", ":"),
    ("“", '"'),
    ("、", "，"),
)
APPENDED_SENTENCES: Final[tuple[str, ...]] = (
    "转给家里人看看。",
    "大家注意！",
    "望周知。",
    "转自朋友圈。",
    "请相互转告。",
    "希望有关部门重视。",
    "来源：网络。",
    "真是不容易。",
    "希望早日恢复正常。",
)

ARTICLE_APPENDED_SENTENCES: Final[tuple[str, ...]] = (
    "（来源：青岚发布）",
    "（综合自本地媒体报道）",
    "编辑：融媒体中心。",
    "（本台记者综合报道）",
)
