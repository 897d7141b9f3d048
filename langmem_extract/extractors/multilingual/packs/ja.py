"""Japanese: "東京に住んでいます", "トヨタで働いています", "常に日本語で答えて". No spaces either."""

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

_LANGS = {"日本語": "ja", "英語": "en", "ドイツ語": "de", "フランス語": "fr", "スペイン語": "es",
          "ポルトガル語": "pt", "中国語": "zh", "イタリア語": "it"}  # fmt: skip
_ME = r"^(?:(?:私|僕|俺|わたし|ぼく)(?:は|も)|今は|現在は|今|現在|もう|実は)*"
_SPAN = r"[^。、，,！!？?はにでがを]+?"
_ORG = r"(?:会社|社|銀行|大学|病院|学校|研究所|工場|センター|事務所|商事|工業|電気|自動車|ホテル|店)$|^[A-Za-zァ-ヴー]+$"
_FAMILY = r"妻|夫|主人|母|父|両親|姉|兄|妹|弟|娘|息子|祖母|祖父|子供|子ども"
_FRIENDS = r"彼氏|彼女|友達|友人|親友|上司|同僚|ルームメイト|婚約者"
_PETS = r"猫|ねこ|ネコ|犬|いぬ|イヌ|ハムスター|ウサギ|うさぎ|インコ|金魚|カメ|ペット"

RULES = (
    rule(
        rf"(?P<v>{'|'.join(_LANGS)})で(?:答え|回答|返事|返信|話し|書い|説明|応答|やりとり)",
        INS,
        "{s}は{v}での回答を希望している",
        REPLY_LANGUAGE,
        Category.COMMUNICATION,
        values=mapped(_LANGS),
        instruction=True,
    ),
    rule(
        rf"{_ME}(?:私|僕|わたし)の名前は(?P<v>[^。、，,！!]+?)(?:です|だ|といいます|と申します)?$|^(?:私は|僕は)?(?P<w>[^。、，,はが]+?)(?:と申します|といいます)$",
        F,
        "{s}の名前は{v}",
        Attribute.NAME,
        Category.PERSONAL,
    ),
    rule(
        r"^(?P<v>[^。、，,はを]+?)(?:さん)?と呼んで(?:ください|下さい|ね|ほしい)?",
        INS,
        "{s}は{v}と呼ばれたい",
        Attribute.PREFERRED_NAME,
        Category.COMMUNICATION,
    ),
    rule(
        rf"{_ME}(?P<v>\d{{1,3}}|[一二三四五六七八九十百]{{1,4}})歳(?:です|だ|になりました|になった)?$",
        F,
        "{s}は{v}歳",
        Attribute.AGE,
        Category.PERSONAL,
        values=cjk_number,
    ),
    rule(
        rf"{_ME}(?P<v>ベジタリアン|ヴィーガン|ビーガン|菜食主義者)",
        P,
        "{s}は{v}",
        Attribute.DIET,
        Category.HEALTH,
        values=diet,
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})(?:の)?アレルギー(?:があります|です|持ち|がある)",
        F,
        "{s}は{v}アレルギー",
        "allergy:{key}",
        Category.HEALTH,
        value="yes",
    ),
    rule(
        rf"{_ME}(?P<v>結婚|既婚|独身|離婚|婚約)",
        F,
        "{s}：{c}",
        RELATIONSHIP_STATUS,
        Category.RELATIONSHIPS,
        values=mapped(
            {
                "結婚": "married",
                "既婚": "married",
                "独身": "single",
                "離婚": "divorced",
                "婚約": "engaged",
            }
        ),
    ),
    rule(
        rf"(?:{_ME}|[にと、])(?P<v>{_SPAN})(?:に住んで|で暮らして)(?:います|いる|る|ます|おります)",
        F,
        "{s}は{v}に住んでいる",
        Attribute.LOCATION,
        Category.LOCATION,
    ),
    rule(
        rf"{_ME}(?:[^。、]*?)(?:に|へ)?(?P<v>{_SPAN})(?:に|へ)引っ越し(?:ました|た|てきました|てきた)",
        F,
        "{s}は{v}に引っ越した",
        Attribute.LOCATION,
        Category.LOCATION,
        signals=("change",),
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})(?:の)?出身", F, "{s}は{v}出身", Attribute.HOMETOWN, Category.LOCATION
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})(?:で働いて|に勤めて)(?:います|いる|る|おります)",
        F,
        "{s}は{v}で働いている",
        Attribute.EMPLOYER,
        Category.CAREER,
        keep=lambda v: bool(re.search(_ORG, v)),
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})で働いて(?:います|いる|る|おります)",
        F,
        "{s}は{v}で働いている",
        None,
        Category.CAREER,
    ),
    rule(
        rf"{_ME}(?P<v>[^。、，,はが]{{0,10}}?(?:師|員|者|家|士|医|手|デザイナー|エンジニア|プログラマー|学生|教授|先生))(?:です|だ|をしています|として働いています)$",
        F,
        "{s}は{v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        r"^(?:私の)?(?:仕事|職業)は(?P<v>[^。、，,]+?)(?:です|だ)?$",
        F,
        "{s}の仕事は{v}",
        Attribute.OCCUPATION,
        Category.CAREER,
    ),
    rule(
        rf"{_ME}(?:大学で)?(?P<v>{_SPAN})を(?:専攻|勉強)して",
        F,
        "{s}は{v}を学んでいる",
        Attribute.STUDIES,
        Category.EDUCATION,
    ),
    rule(rf"{_ME}(?P<v>{_SPAN})が話せ", F, "{s}は{v}が話せる", None, Category.LANGUAGES),
    rule(
        r"^(?:一番)?好きな(?P<what>[^。、はが]+?)は(?P<v>[^。]+?)(?:です|だ)?$",
        P,
        "{s}の好きな{what}は{v}",
        "favorite:{what}",
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})(?:が|は)(?:嫌い|苦手|好きじゃない|好きではない|大嫌い)",
        P,
        "{s}は{v}が苦手",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
    rule(rf"{_ME}(?P<v>{_SPAN})が(?:大好き|好き)", P, "{s}は{v}が好き", "likes:{key}", value="yes"),
    rule(rf"(?:{_PETS})を(?:\S+?)?飼って", F, "{s}：{c}", None, Category.PETS),
    rule(
        r"^(?:私には|僕には)?(?P<v>(?:娘|息子|子供|子ども|兄|弟|姉|妹|兄弟|姉妹)が(?:[一二三四五]人|\d+人|ひとり|ふたり|一人|二人|三人)?(?:います|いる))",
        R,
        "{s}には{v}",
        None,
        Category.FAMILY,
    ),
    rule(rf"^(?:私の|僕の)?(?P<rest>(?:{_FAMILY})は.+)", R, "{s}の{rest}", None, Category.FAMILY),
    rule(
        rf"^(?:私の|僕の)?(?P<rest>(?:{_FRIENDS})は.+)",
        R,
        "{s}の{rest}",
        None,
        Category.RELATIONSHIPS,
    ),
    rule(
        rf"{_ME}(?P<v>{_SPAN})で育ち", F, "{s}は{v}で育った", Attribute.HOMETOWN, Category.LOCATION
    ),
    rule(r"を教えて(?:います|いる|る|おります)$", F, "{s}：{c}", None, Category.CAREER),
    rule(
        rf"{_ME}(?P<v>{_SPAN})(?:は|を)(?:食べ|飲み)ません",
        P,
        "{s}：{c}",
        "likes:{key}",
        value="no",
        signals=("negation",),
    ),
)

PACK = Pack(
    code="ja",
    rules=RULES,
    cues={
        MemoryType.DECISION: re.compile(r"決めました|決めた|決定しました|にしました|にします|選びました|ことにした"),
        MemoryType.GOAL: re.compile(r"たい(?:です|と思って|と思います)?$|つもり|予定|目標は|来年|将来|しようと思って|ようと思います"),
        MemoryType.EVENT: re.compile(r"昨日|おととい|先週|先月|去年|この前|週末に|ました$|でした$|(?:行っ|見|買っ|食べ|会っ|終わっ|始め)た$"),
        MemoryType.PREFERENCE: re.compile(r"(?:ほう|方)が好き|よく|いつも|たいてい|普段|派です|(?:食べ|飲め)られません|苦手|嫌い"),
    },
    small_talk=re.compile(r"^(?:(?:今日は)?(?:天気|雨|暑い|寒い)|ありがとう|どうも|こんにちは|こんばんは|おはよう|さようなら|またね|じゃあね|いいですね|いいね|すごい|素晴らしい|なるほど|そうですね|そうなんだ|了解|わかりました|分かりました|はい|いいえ|うん|ははは|笑|おめでとう|頑張って|大丈夫|よろしく|楽しそう)"),
    question=re.compile(r"[？?]\s*$|(?:ですか|ますか|でしょうか|かな|の)\s*$|^(?:何|どう|どこ|いつ|なぜ|誰|どれ)"),
    first_person=re.compile(r"私|僕|俺|わたし|自分|(?:ています|ています|ました|ます)$"),
    clause_split=re.compile(r"[、，,](?=(?:私|僕|俺)は)"),
    generic="{s}：{c}。",
    instruction="{s}からアシスタントへ：{c}。",
    said="{d}、{s}：「{c}」",
    said_undated="{s}：「{c}」",
    date_format="{y}年{m}月{d}日",
    value_tail=re.compile(r"[、，,。；;]"),
    cjk=True,
    days=days({"一昨日|おととい": -2, "昨日|きのう": -1, "明後日|あさって": 2, "今日|きょう": 0,
               "明日|あした": 1}),
    habit=re.compile(r"毎日|毎朝|毎晩|毎週|いつも|たいてい|普段|よく"),
    imperative=re.compile(r"(?:は)?(?:いりません|要りません|不要です|なしで(?:お願いします)?)$|(?:なくて(?:も)?いい(?:よ|です)?|お願いします|お願い)$|(?:てください|でください|て下さい|で下さい|てほしい|ないで|てね|でね|ように)$|(?:答えて|書いて|話して|使わないで|説明して|返事して)"),
)  # fmt: skip
