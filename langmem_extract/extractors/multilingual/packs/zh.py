"""Chinese: "我住在上海", "我在腾讯工作", "请总是用中文回答". No spaces: nothing splits on them."""

from __future__ import annotations

import re

from langmem_extract.extractors.multilingual.packs.base import (
    RELATIONSHIP_STATUS,
    REPLY_LANGUAGE,
    Pack,
    cjk_number,
    days,
    diet,
    mapped,
    rule,
)
from langmem_extract.schema import Attribute, Category, MemoryType

F, P, INS, R = (
    MemoryType.FACT,
    MemoryType.PREFERENCE,
    MemoryType.INSTRUCTION,
    MemoryType.RELATIONSHIP,
)

_LANGS = {"中文": "zh", "汉语": "zh", "普通话": "zh", "英文": "en", "英语": "en", "德语": "de",
          "德文": "de", "法语": "fr", "法文": "fr", "西班牙语": "es", "葡萄牙语": "pt", "日语": "ja",
          "日文": "ja", "意大利语": "it"}  # fmt: skip
_STOP = r"(?=已经|了|很久|多年|好几|\d|[一二三四五六七八九十几两]+年|，|。|,|！|!|$)"
_SPAN = r"[^，。,！!？?]+?"
_ORG = r"(?:公司|集团|银行|大学|医院|学校|研究所|研究院|工厂|中心|科技|事务所|餐厅|商店|报社|政府)$"
_FAMILY = r"妻子|老婆|丈夫|老公|妈妈|母亲|爸爸|父亲|父母|哥哥|弟弟|姐姐|妹妹|儿子|女儿|孩子|奶奶|爷爷|外婆|外公|姥姥|姥爷"
_FRIENDS = r"男朋友|女朋友|男友|女友|朋友|好朋友|老板|同事|室友|邻居|未婚妻|未婚夫"
_PETS = r"猫|狗|仓鼠|兔子|鹦鹉|鱼|乌龟|小猫|小狗"

RULES = (
    rule(
        rf"(?:用|以)(?P<v>{'|'.join(_LANGS)})(?:来)?(?:回答|回复|答复|跟我说|和我说|交流|写|说|聊)",
        INS,
        "{s}希望用{v}回答",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        r"^(?:我叫|我的名字(?:是|叫))(?P<v>[^，。,！!\s]{1,10})$",
        F,
        "{s}叫{v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        r"^(?:请|以后)?(?:叫我|称呼我(?:为)?)(?P<v>[^，。,！!\s吧就]{1,10})",
        INS,
        "{s}希望被称为{v}",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(
        r"^我(?:今年|已经|快)?(?P<v>\d{1,3}|[一二两三四五六七八九十百]{1,4})岁",
        F,
        "{s}{v}岁",
        Attribute.AGE,
        Category.PERSONAL,
        values=cjk_number,
    ),
    rule(
        r"^我(?:是)?(?:一个|一名)?(?P<v>素食者|素食主义者|纯素食者|纯素主义者)",
        P,
        "{s}是{v}",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        r"^我(?:一直|平时|只)?(?P<v>吃素)",
        P,
        "{s}吃素",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        rf"^我对(?P<v>{_SPAN})过敏",
        F,
        "{s}对{v}过敏",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        r"^我(?:已经|现在|还是)?(?P<v>结婚|已婚|单身|离婚|离异|订婚)",
        F,
        "{s}：{c}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=mapped(
            {
                "结婚": "married",
                "已婚": "married",
                "单身": "single",
                "离婚": "divorced",
                "离异": "divorced",
                "订婚": "engaged",
            }
        ),
    ),
    rule(
        rf"^我[^，。住]{{0,10}}?(?:住在|生活在|居住在)(?P<v>{_SPAN}){_STOP}",
        F,
        "{s}住在{v}",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"^我们?(?:最近|去年|今年|刚|刚刚|已经|上个月|上周)?搬(?:到|去)了?(?P<v>{_SPAN}){_STOP}",
        F,
        "{s}搬到了{v}",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"^我(?:来自|是从)(?P<v>{_SPAN})(?=来的|，|。|$)|^我是(?P<w>[^，。,！!]{{1,6}})人$",
        F,
        "{s}来自{v}",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(
        rf"^我在(?:一家|一个|一所)?(?P<v>{_SPAN})(?:工作|上班)",
        F,
        "{s}在{v}工作",
        Attribute.EMPLOYER,
        Category.CAREER,
        keep=lambda v: bool(re.search(_ORG, v)),
    ),
    rule(rf"^我在(?P<v>{_SPAN})(?:工作|上班)", F, "{s}在{v}工作", None, Category.CAREER),
    rule(
        r"^我(?:是|当|做)(?:一名|一个|一位)?(?P<v>[^，。,！!]{0,8}?(?:师|员|生|家|工|医生|律师|经理|护士|司机|厨师|记者|警察|老板))(?=[，,。]|$)",
        F,
        "{s}是{v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^我的(?:工作|职业)是(?P<v>[^，。]{1,12})$",
        F,
        "{s}的工作是{v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^我的专业是(?P<v>.+)|^我(?:在大学)?(?:学|读)的是(?P<w>.+)",
        F,
        "{s}学{v}",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(r"^我会说(?P<v>.+)", F, "{s}会说{v}", None, Category.LANGUAGES),
    rule(
        r"^我最喜欢的(?P<what>[^，。是]+)是(?P<v>.+)",
        P,
        "{s}最喜欢的{what}是{v}",
        "favorite:{what}",
    ),
    rule(
        rf"^我(?:不|不太|一点也不|并不)(?:喜欢|爱)(?P<v>{_SPAN})$",
        P,
        "{s}不喜欢{v}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        rf"^我(?:很|非常|特别)?(?:讨厌|受不了|不吃|不能吃|不喝)(?P<v>{_SPAN})$",
        P,
        "{s}：{c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(
        rf"^我(?:很|非常|特别|超|真的)?(?:喜欢|爱|热爱)(?P<v>{_SPAN})$",
        P,
        "{s}喜欢{v}",
        "likes:{key}",
        value="yes",
    ),
    rule(
        rf"^我(?:家)?(?:有|养了)(?P<v>(?:一|两|二|三|四|五|\d+)(?:只|条|个)[^，。]*?(?:{_PETS}))",
        F,
        "{s}有{v}",
        None,
        Category.PETS,
    ),
    rule(
        r"^我有(?P<v>(?:一|两|二|三|四|五|\d+)(?:个|位)[^，。]*?(?:孩子|儿子|女儿|哥哥|弟弟|姐姐|妹妹|兄弟|姐妹))",
        R,
        "{s}有{v}",
        None,
        Category.FAMILY,
    ),
    rule(rf"^我的?(?P<rest>(?:{_FAMILY}).+)", R, "{s}的{rest}", None, Category.FAMILY),
    rule(rf"^我的?(?P<rest>(?:{_FRIENDS}).+)", R, "{s}的{rest}", None, Category.RELATIONSHIPS),
    rule(
        rf"^我(?:是)?在(?P<v>{_SPAN})长大的?",
        F,
        "{s}在{v}长大",
        Attribute.HOMETOWN,
        Category.LOCATION,
    ),
    rule(rf"^我(?:在{_SPAN})?教(?P<v>{_SPAN})$", F, "{s}：{c}", None, Category.CAREER),
)

PACK = Pack(
    code="zh",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"决定|选了|选择了|就选|定了|就买"),
        MemoryType.GOAL: re.compile(r"我(?:想|打算|计划|希望|准备|梦想|要)|我的(?:目标|梦想|计划)是|明年|下个月|将来|以后想"),
        MemoryType.EVENT: re.compile(r"昨天|前天|上周|上个?星期|上个?周末|上个月|去年|那天|刚刚|(?:跑|看|买|去|参加|见|吃|做|完成|开始|拿到|通过|学|写|读|玩|换|赢|输)了"),
        MemoryType.PREFERENCE: re.compile(r"更喜欢|比较喜欢|宁愿|宁可|通常|一般都|习惯|总是|从不|从来不|只喝|只吃|吃不了|受不了|喝不了"),
    },
    small_talk=re.compile(r"^(?:(?:今天)?天气|谢谢|多谢|感谢|你好|您好|早上好|晚上好|晚安|再见|拜拜|好的|好吧|嗯|哈哈|太好了|太棒了|真棒|不错|没问题|没关系|恭喜|加油|好厉害|真的吗|对|是的|不客气|有意思|听起来不错)"),
    question=re.compile(r"[？?]\s*$|[吗呢]\s*$|^(?:什么|怎么|为什么|哪里|哪儿|谁|多少)|是不是"),
    first_person=re.compile(r"我"),
    clause_split=re.compile(r"[，,](?:而且|并且|但是|不过|所以|可是)?(?=我)"),
    generic="{s}：{c}。",
    instruction="{s}对助手说：{c}。",
    said="{d}，{s}说：{c}",
    said_undated="{s}说：{c}",
    date_format="{y}年{m}月{d}日",
    value_tail=re.compile(r"[，,。；;]"),
    lead=re.compile(r"^(?:从[^，。我]{1,6}(?:开始|起)|[^，。我]{1,4}(?:开始|以来|起)|去年|今年|最近|现在|目前|以前)(?=我)"),
    cjk=True,
    days=days({"前天": -2, "昨天": -1, "后天": 2, "今天": 0, "明天": 1}),
    habit=re.compile(r"每天|每周|每个?星期|每个?月|每年|经常|常常|总是|从不|从来不|一般都|通常"),
    imperative=re.compile(r"^(?:请|麻烦你?|以后|你以后)|(?:回答|回复|答复)(?:的时候|时)?.{0,6}(?:不要|别|尽量|简短|简洁|用)|^(?:总是|一直|始终|永远)?(?:用\w+回答|回答时|回复时|不要|别再?|尽量|简短|简洁|给我|帮我记住|记住)"),
)  # fmt: skip
