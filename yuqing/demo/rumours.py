"""Rumour storylines: recurring false claims plus the official debunk for each.

Every rumour post belongs to exactly one storyline so analysts can watch the
same claim resurface, mutate and get reposted over the week.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class RumourStoryline:
    """One false claim, how it circulates and how it is refuted."""

    key: str
    label: str
    peak_day: float  # day index (0-based) where it circulates most
    width: float  # in days
    strength: float  # relative weight at the peak
    posts: tuple[str, ...]
    debunk_title: str
    debunk_body: str


STORYLINES: Final[tuple[RumourStoryline, ...]] = (
    RumourStoryline(
        key="r01-liquor",
        label="喝白酒熏醋防感染",
        peak_day=1.0,
        width=1.5,
        strength=1.0,
        posts=(
            "听医院的朋友说，每天喝二两高度白酒能杀死病毒，{district}好多人都在喝，大家试试",
            "紧急扩散：家里熏白醋、喝白酒可以预防感染，专家都是这么做的！",
            "我家老人天天喝一小杯白酒预防疫情，说是酒精能消毒，真的有用吗？",
            "别抢口罩了，喝高度白酒就能防病毒，我们单位都在传",
        ),
        debunk_title="【辟谣】喝白酒、熏醋能预防感染？假的！",
        debunk_body=(
            "近日，网上流传“喝高度白酒、熏白醋可以预防病毒感染”的说法。"
            "青岚市卫生健康委员会专家表示，饮酒不能预防病毒感染，过量饮酒反而会损害健康。"
            "熏醋也无法杀灭空气中的病毒，还可能刺激呼吸道。"
            "预防感染最有效的办法仍是规范佩戴口罩、勤洗手、常通风，符合条件的市民应及时接种疫苗。"
        ),
    ),
    RumourStoryline(
        key="r02-herbal",
        label="板蓝根金银花防病毒",
        peak_day=2.0,
        width=1.2,
        strength=0.8,
        posts=(
            "{shop}的板蓝根都卖断货了，听说每天喝一包就不会感染",
            "朋友圈说金银花加板蓝根煮水喝能防病毒，我妈已经囤了好几箱",
            "有人说喝中药汤剂就能代替打疫苗，这靠谱吗？",
        ),
        debunk_title="【辟谣】板蓝根、金银花水能防病毒？专家：没有预防作用",
        debunk_body=(
            "针对网传“喝板蓝根、金银花水可预防感染”的说法，青岚市中医院专家作出解读。"
            "板蓝根等中药需辨证使用，健康人群长期服用不仅不能预防感染，还可能引起不适。"
            "中药汤剂不能代替疫苗接种。"
            "请市民不要盲目囤购、服用相关药品。"
        ),
    ),
    RumourStoryline(
        key="r03-sealed-tonight",
        label="今晚全市封城",
        peak_day=4.0,
        width=0.6,
        strength=3.0,
        posts=(
            "紧急通知！今晚12点青岚全市封城，所有小区只进不出，赶紧去超市囤货！",
            "内部消息：明天开始全市静默，超市药店全部关门，大家抓紧买米面油",
            "听说今晚要封城了，{shop}已经被抢空了，是真的吗？",
            "我在政府上班的亲戚说今晚{district}要全面封控，快转告家人",
        ),
        debunk_title="【辟谣】网传“青岚今晚封城”系谣言",
        debunk_body=(
            "{date}，网上出现“今晚12点青岚全市封城”“超市药店全部关门”等信息。"
            "经核实，青岚市疫情防控指挥部从未发布上述通知，该信息系谣言。"
            "目前全市商超、农贸市场、药店正常营业，生活物资供应充足。"
            "请市民理性购物，不必恐慌囤货，一切信息以官方发布为准。"
        ),
    ),
    RumourStoryline(
        key="r04-fake-notice",
        label="伪造全域静默通告",
        peak_day=4.0,
        width=0.9,
        strength=2.0,
        posts=(
            "刚收到的《青岚市疫情防控指挥部关于实行全域静默管理的通告》，盖着红章，大家看看",
            "网上传的全域静默通告是真的吗？上面说从{tomorrow}起全市停止一切人员流动",
            "扩散：{district}发了最新通告，所有人三天内不许下楼，违者拘留",
        ),
        debunk_title="【辟谣】网传“全域静默管理通告”系伪造",
        debunk_body=(
            "近日，一份标题为《关于实行全域静默管理的通告》的图片在微信群中流传。"
            "经青岚市疫情防控指挥部办公室核实，该通告系伪造，文号、印章均不真实。"
            "公安机关已介入调查，对编造、故意传播虚假信息的人员将依法处理。"
            "请广大市民通过“青岚发布”等官方渠道获取权威信息。"
        ),
    ),
    RumourStoryline(
        key="r05-spraying",
        label="夜间飞机喷洒消毒药",
        peak_day=3.0,
        width=1.0,
        strength=1.2,
        posts=(
            "今晚11点到凌晨3点有飞机在青岚上空喷洒消毒药水，请关好门窗，不要出门，衣服收回家",
            "紧急：今天夜里全城喷洒消毒液，家里的被子衣服赶紧收，转给你关心的人",
            "{district}的朋友注意，听说晚上要用直升机消毒",
        ),
        debunk_title="【辟谣】“今晚飞机全城喷药消毒”为不实信息",
        debunk_body=(
            "近期，“今晚有飞机在全城上空喷洒消毒药水”的消息在网络流传。"
            "青岚市疫情防控指挥部明确表示，全市没有安排任何飞机喷洒消毒作业。"
            "室外环境消毒由专业人员按规范开展，不会对市民生活造成影响。"
            "请勿轻信、转发此类不实信息。"
        ),
    ),
    RumourStoryline(
        key="r06-water",
        label="自来水检出病毒停水",
        peak_day=2.5,
        width=1.0,
        strength=0.9,
        posts=(
            "注意！{district}自来水检测出病毒，这几天不要喝自来水，赶紧买桶装水",
            "听说明天全市停水停电三天，大家提前储水，家里的桶和盆都接满",
            "小区群里说自来水被污染了，{shop}的矿泉水已经卖光了",
        ),
        debunk_title="【辟谣】“自来水检出病毒”“全市停水三天”均为谣言",
        debunk_body=(
            "针对网传“自来水检出病毒”“全市停水停电三天”等信息，青岚市有关部门作出回应。"
            "全市供水水质每日检测，各项指标均符合国家标准，市民可放心使用。"
            "全市没有任何停水停电计划，水、电、气供应正常。"
            "请市民不信谣、不传谣。"
        ),
    ),
    RumourStoryline(
        key="r07-vaccine",
        label="接种疫苗更易感染",
        peak_day=5.0,
        width=1.2,
        strength=1.0,
        posts=(
            "打了疫苗反而更容易感染，我身边好几个人都是打完疫苗阳的，千万别打",
            "听说青岚这批疫苗有问题，{hospital}已经停止接种了",
            "打完加强针的人都得病了，疫苗就是个笑话，大家千万别去打",
        ),
        debunk_title="【辟谣】“接种疫苗更易感染”说法没有科学依据",
        debunk_body=(
            "近日，网上有“接种疫苗后反而更容易感染”“某批次疫苗有问题”等说法。"
            "青岚市疾病预防控制中心专家表示，接种疫苗可以有效降低重症和死亡风险。"
            "全市使用的疫苗均经过严格批签发，各接种点工作正常。"
            "请符合条件的市民特别是老年人尽快完成疫苗接种。"
        ),
    ),
    RumourStoryline(
        key="r08-supermarket",
        label="超市员工确诊全员隔离",
        peak_day=4.5,
        width=1.0,
        strength=1.3,
        posts=(
            "{shop}有员工确诊了，这几天去过的人都要隔离，快看看自己去没去过",
            "紧急扩散：{shop}出现阳性，整个商场已经被封，里面的人都出不来",
            "听说{shop}的收银员阳了，{district}好多人都去那买过菜，太吓人了",
        ),
        debunk_title="【辟谣】网传“{shop}员工确诊”不实",
        debunk_body=(
            "{date}，有网民发布消息称{district}{shop}有员工确诊、顾客需全部隔离。"
            "经疾控部门核实，该店员工核酸检测结果均为阴性，网传信息不实。"
            "目前该店正常营业，并落实扫码测温、佩戴口罩等防控措施。"
            "散布谣言者已被公安机关依法处理。"
        ),
    ),
)
