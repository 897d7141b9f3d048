"""The conflict model: which active memory a new candidate replaces.

A conflict is the same subject and the same attribute *family* with a new value. The
exact case, the same ``(subject, attribute)`` key, is :func:`graph.lookups.find_conflict`;
this module widens it, for :mod:`graph.dedup`:

1. **Attribute families.** :func:`canonical_attribute` maps a free attribute label (a
   model's, or the rule extractor's "my X is Y") to the family key the rules use:
   ``"boss"``/``"new manager"`` → ``relation:manager``, ``"company"`` → ``employer``,
   ``"marital status"`` → ``relationship_status``. Known labels come from
   :data:`ALIASES`; any other label is embedded and mapped to the family whose prototype
   labels it is closest to, when that cosine is at least :data:`ATTRIBUTE_SIMILARITY` and
   beats the next family by :data:`ATTRIBUTE_MARGIN` (else the label is kept as its own
   key). The family keys are single-valued: residence, employer, occupation, diet,
   relationship status, vehicle, one person per role (``relation:<role>``), age, birthday.
2. **Preferences by object and polarity.** ``likes:<object>`` holds ``yes`` or ``no``
   (the polarity). Besides the same object with the other polarity (an exact key), a
   new statement about a *category* replaces the opposite one about a member ("loves
   sushi" → "I don't eat fish anymore"); one about a member replaces the category's only
   with a change cue; and a stated switch ("I switched to coffee", "… instead of tea")
   replaces the liked object of the same kind (:data:`KINDS`), or the one it names.
3. **Unkeyed changes by family** (:mod:`graph.change_family`): a statement no rule keyed
   that says the subject's own change, whose masked wording is nearest a family's
   prototypes and that names a new value, replaces the active fact of that family; a
   status of no partner ("single", "divorced") also ends the stored partner.
4. **Someone else's fact is not the user's.** A candidate whose content is about the
   subject's relative or friend ("User's sister lives in Denver") loses its attribute,
   so it can never supersede (nor be merged by key into) the subject's own fact.
"""

from __future__ import annotations

import math
import re
import weakref
from collections.abc import Callable, Sequence

from langchain_core.embeddings import Embeddings
from langgraph.store.base import BaseStore, SearchItem

from langmem_extract.graph import change_family
from langmem_extract.graph.lookups import find_conflict, same_namespace
from langmem_extract.schema import (
    Attribute,
    AttributeFamily,
    Candidate,
    MemoryStatus,
    MemoryType,
    keyed_attribute,
    normalize_text,
)

_MANAGER = keyed_attribute(AttributeFamily.RELATION, "manager")
_PARTNER = keyed_attribute(AttributeFamily.RELATION, "partner")

#: Attribute labels that name a family outright (normalised: lowercase, ``_`` as space).
ALIASES: dict[str, str] = {
    **dict.fromkeys(
        ["residence", "home", "city", "home city", "current city", "current location",
         "place of residence", "lives in", "location", "where they live", "residence city"],
        Attribute.LOCATION.value,
    ),
    **dict.fromkeys(
        ["employer", "company", "workplace", "current employer", "works at", "work",
         "employer name", "company name"],
        Attribute.EMPLOYER.value,
    ),
    **dict.fromkeys(
        ["occupation", "job", "job title", "role", "profession", "position", "current job",
         "current role"],
        Attribute.OCCUPATION.value,
    ),
    **dict.fromkeys(["diet", "dietary preference", "diet type"], Attribute.DIET.value),
    **dict.fromkeys(
        ["relationship status", "marital status", "relationship"],
        Attribute.RELATIONSHIP_STATUS.value,
    ),
    **dict.fromkeys(["vehicle", "car", "current car"], Attribute.VEHICLE.value),
    **dict.fromkeys(
        ["manager", "boss", "new manager", "new boss", "supervisor", "line manager",
         "current manager", "team lead"],
        _MANAGER,
    ),
    **dict.fromkeys(
        ["partner", "spouse", "husband", "wife", "boyfriend", "girlfriend", "fiance",
         "fiancee"],
        _PARTNER,
    ),
    **dict.fromkeys(["birthday", "date of birth", "birth date", "dob"], Attribute.BIRTHDAY.value),
    "age": Attribute.AGE.value,
}  # fmt: skip

#: Prototype labels of each family, for labels :data:`ALIASES` does not know.
PROTOTYPES: dict[str, tuple[str, ...]] = {
    Attribute.LOCATION.value: ("place of residence", "home city"),
    Attribute.EMPLOYER.value: ("employer", "company they work for"),
    Attribute.OCCUPATION.value: ("occupation", "job title"),
    Attribute.DIET.value: ("diet", "dietary preference"),
    Attribute.RELATIONSHIP_STATUS.value: ("relationship status", "marital status"),
    Attribute.VEHICLE.value: ("vehicle", "car they drive"),
    _MANAGER: ("manager", "boss at work"),
    _PARTNER: ("spouse", "romantic partner"),
    Attribute.BIRTHDAY.value: ("birthday", "date of birth"),
}
#: A label joins a family at this cosine (E5, both sides embedded as queries) to its
#: nearest prototype, and only if it beats the next family by :data:`ATTRIBUTE_MARGIN`.
#: Chosen on the label set of ``benchmarks/conflicts.py`` (docs/benchmarks/conflicts.md):
#: "car model" scores 0.886 to "vehicle" and "current company" 0.895 to "employer", while
#: "laptop" reaches 0.884 to "employer" and "anniversary" 0.880 to "birthday"; E5 cannot
#: tell a head noun from its modifier ("birthday party" scores 0.930 to "birthday").
ATTRIBUTE_SIMILARITY = 0.885
ATTRIBUTE_MARGIN = 0.03
#: Two preference objects are one in other words at this cosine (E5 queries): "horror
#: films"/"horror movies" 0.994, while different objects of one kind stay below it
#: ("sci-fi novels"/"science fiction books" 0.944, "thriller"/"crime novels" 0.933,
#: "tea"/"green tea" 0.923, "dark"/"milk chocolate" 0.896).
OBJECT_SIMILARITY = 0.96

#: Objects of one kind: a stated switch to one replaces a liked other.
KINDS: dict[str, frozenset[str]] = {
    name: frozenset(members.split(","))
    for name, members in {
        "hot drink": "tea,coffee,green tea,black tea,herbal tea,matcha,espresso,latte,"
        "cappuccino,decaf,chai,hot chocolate,yerba mate,mint tea,earl grey",
        "milk": "milk,oat milk,almond milk,soy milk,cow milk,dairy milk,whole milk,skim milk,"
        "rice milk,coconut milk",
        "operating system": "windows,linux,macos,mac,ubuntu,fedora,arch,debian",
        "phone": "iphone,android,pixel,samsung,galaxy",
        "editor": "vim,neovim,emacs,vs code,vscode,sublime,intellij,pycharm,atom,nano",
        "browser": "chrome,firefox,safari,edge,brave,opera",
        "commute": "bike,cycling,bus,train,car,driving,subway,metro,walking,tram,scooter",
        "alcohol": "beer,wine,red wine,white wine,whisky,whiskey,vodka,gin,rum,cocktails,cider",
        "sport": "running,swimming,cycling,yoga,pilates,crossfit,tennis,climbing,boxing",
        "music service": "spotify,apple music,tidal,deezer,youtube music,amazon music,pandora,"
        "soundcloud,bandcamp",
        "video service": "netflix,hulu,disney+,disney plus,hbo,hbo max,prime video,apple tv",
        "messenger": "whatsapp,signal,telegram,imessage,wechat",
        "sweetener": "sugar,honey,stevia,sweetener,maple syrup",
    }.items()
}
_FISH = "fish,sushi,sashimi,salmon,tuna,cod,trout,mackerel,sardines,anchovies,fish and chips,halibut,tilapia"
_SEAFOOD = (
    _FISH
    + ",seafood,shrimp,prawns,crab,lobster,oysters,mussels,clams,scallops,squid,calamari,octopus"
)
_MEAT = "meat,beef,pork,chicken,steak,bacon,ham,lamb,burgers,sausage,sausages,turkey,ribs,veal,meatballs,pepperoni,salami,duck,hot dogs"
#: Categories and their members: a statement about the category covers its members.
CATEGORIES: dict[str, frozenset[str]] = {
    name: frozenset(members.split(","))
    for name, members in {
        "fish": _FISH,
        "seafood": _SEAFOOD,
        "meat": _MEAT,
        "red meat": "beef,steak,lamb,pork,burgers,veal,ribs",
        "coffee": "coffee,espresso,latte,cappuccino,mocha,americano,flat white,cold brew,"
        "macchiato,iced coffee,cortado",
        "pork": "pork,bacon,ham,pepperoni,salami,sausage,prosciutto,chorizo,pork chops,ribs,"
        "hot dogs,pulled pork,carnitas",
        "dairy": "dairy,cheese,milk,yogurt,yoghurt,butter,ice cream,cream,cow milk,milkshake,"
        "cheesecake,cream cheese,mozzarella,cheddar,brie,parmesan,feta,custard,gelato,"
        "frozen yogurt",
        "alcohol": "alcohol,beer,wine,red wine,white wine,whisky,whiskey,vodka,gin,rum,cocktails,cider",
        "caffeine": "coffee,espresso,latte,cappuccino,energy drinks,black tea,green tea,cola,"
        "mocha,americano,flat white,cold brew,macchiato,iced coffee,chai,matcha,red bull",
        "sweets": "candy,chocolate,desserts,cake,cookies,pastries,ice cream,donuts",
        "sugar": "candy,chocolate,desserts,cake,cookies,soda,pastries,donuts",
        "social media": "instagram,facebook,tiktok,twitter,x,snapchat,reddit",
        "video games": "gaming,fortnite,minecraft,console games",
        "spicy food": "hot sauce,chili,chillies,jalapenos,curry",
        "gluten": "bread,pasta,wheat,beer,pizza",
    }.items()
}

#: Label vectors per embedder (prototypes and labels seen), at most this many each.
LABEL_CACHE_SIZE = 1024
_LABEL_VECTORS: weakref.WeakKeyDictionary[Embeddings, dict[str, list[float]]] = (
    weakref.WeakKeyDictionary()
)

_CHANGE_SIGNALS = frozenset({"change", "correction", "switch"})
_NO_PARTNER = frozenset({"single", "divorced", "separated", "widowed"})
#: Same-subject preference memories read per preference candidate.
PREFERENCE_POOL = 50

_OTHERS = (
    r"sister|brother|sibling|mom|mum|mother|dad|father|parents?|son|daughter|kids?|children|"
    r"child|baby|wife|husband|partner|spouse|boyfriend|girlfriend|fianc\w*|friend|best friend|"
    r"roommate|flatmate|colleague|coworker|co-worker|boss|manager|neighbou?r|cousin|aunt|uncle|"
    r"niece|nephew|grandma|grandmother|grandpa|grandfather|in-laws?|family|team|dog|cat|"
    r"students?|clients?|teacher"
)


#: What may follow a value and leave it the same value: "Google's Zurich office",
#: "Glasgow with my partner", "Boston near the harbour".


def _label(attribute: str) -> str:
    return normalize_text(attribute.replace("_", " "))


def _object(attribute: str | None) -> str | None:
    prefix = f"{AttributeFamily.LIKES.value}:"
    if not attribute or not attribute.startswith(prefix):
        return None
    return _singular(attribute[len(prefix) :])


def _singular(text: str) -> str:
    text = normalize_text(text)
    if text.endswith("ies") and len(text) > 4:
        return text[:-3] + "y"
    if text.endswith("s") and not text.endswith(("ss", "us", "is")) and len(text) > 3:
        return text[:-1]
    return text


def _category(obj: str) -> frozenset[str] | None:
    return CATEGORIES.get(obj) or next(
        (m for name, m in CATEGORIES.items() if _singular(name) == obj), None
    )


#: Words before a member that make the whole something else: "peanut butter" is not
#: dairy, "herbal tea" has no caffeine.
_NOT_OF_KIND_TEXT = (
    "peanut,almond,oat,soy,coconut,rice,cocoa,vegan,plant,plant-based,dairy-free,herbal,decaf,"
    "caffeine-free,mint,rooibos,chamomile,fake,meatless,veggie,tofu,beyond,impossible"
)
_NOT_OF_KIND = frozenset(_NOT_OF_KIND_TEXT.split(","))


def _in(obj: str, members: frozenset[str], dishes: bool = True) -> bool:
    """``obj`` is a member, or a dish named by one: "pepperoni pizza" (its first words),
    "iced latte" (its last word, unless the word before makes it another thing)."""
    singular = {_singular(m) for m in members}
    if obj in members or obj in singular:
        return True
    words = obj.split()
    if not dishes or len(words) < 2 or len(words) > 4:
        return False
    heads = [" ".join(words[:n]) for n in range(1, len(words))]
    if any(h in members or _singular(h) in singular for h in heads):
        return True
    last = _singular(words[-1])
    return last in singular and words[-2] not in _NOT_OF_KIND


def about_someone_else(cand: Candidate) -> bool:
    """The content is about the subject's relative or friend, not the subject:
    "User's sister lives in Denver", "User's husband works at Meta"."""
    subject = re.escape(cand.subject.strip())
    pattern = rf"^{subject}'s\s+(?:\w+\s+)?(?:{_OTHERS})\b"
    return bool(re.match(pattern, cand.content.strip(), re.I))


class ConflictModel:
    """Canonical attribute keys and preference conflicts, for one dedup run."""

    def __init__(
        self, store: BaseStore, namespace: tuple[str, ...], embeddings: Embeddings | None
    ) -> None:
        self.store = store
        self.ns = namespace
        self.embeddings = embeddings if embeddings is not None else getattr(
            store, "embeddings", None
        )  # fmt: skip

    # -- 1 and 3: the key a candidate is compared on

    def canonical(self, cand: Candidate) -> Candidate:
        """``cand`` with its attribute mapped to its family key (or dropped when the
        content is about someone else)."""
        if not cand.attribute:
            return cand
        key = canonical_attribute(cand.attribute, self._similar_family)
        # "User's manager is Tom" is the user's own relation: keyed, whatever it says.
        if about_someone_else(cand) and not key.startswith(f"{AttributeFamily.RELATION.value}:"):
            return cand.model_copy(update={"attribute": None})
        return cand if key == cand.attribute else cand.model_copy(update={"attribute": key})

    def _embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Query vectors of ``texts``, cached per embedder for the life of the process:
        the prototype labels are embedded once, not once per graph run."""
        embeddings = self.embeddings
        if embeddings is None:
            raise ValueError("no embedder to compare attribute labels with")
        try:
            cache = _LABEL_VECTORS.setdefault(embeddings, {})
        except TypeError:  # an embedder that takes no weak reference: no cache
            cache = {}
        if len(cache) > LABEL_CACHE_SIZE:
            cache.clear()
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            cache.update(zip(todo, _embed_queries(embeddings, todo), strict=True))
        return [cache[t] for t in texts]

    def _similar_family(self, label: str) -> str | None:
        if self.embeddings is None:
            return None
        protos = [(fam, p) for fam, ps in PROTOTYPES.items() for p in ps]
        ranked = change_family.ranked_families(label, protos, self._embed, cosine)
        (family, top), (_, second) = ranked[0], ranked[1]
        if top >= ATTRIBUTE_SIMILARITY and top - second >= ATTRIBUTE_MARGIN:
            return family
        return None

    # -- 3: unkeyed changes by family

    def family_conflict(self, cand: Candidate) -> tuple[SearchItem, Candidate, str] | None:
        """The active fact of one value that ``cand`` changes though no rule keyed it, the
        candidate keyed to that family, and why (:mod:`graph.change_family`)."""
        if cand.attribute == Attribute.RELATIONSHIP_STATUS.value:
            return self._partner_ended(cand)
        if cand.attribute or cand.type == MemoryType.INSTRUCTION or self.embeddings is None:
            return None
        changed = bool(_CHANGE_SIGNALS & set(cand.signals))
        shape = change_family.change_shape(cand.content, cand.subject, changed)
        if shape is None:
            return None
        family = change_family.statement_family(shape, self._embed, cosine)
        if family is None:
            return None
        keyed = cand.model_copy(update={"attribute": family})
        item = find_conflict(self.store, self.ns, keyed)
        if item is None:
            return None
        value = change_family.new_value(family, shape, item.value.get("value"), self._embed, cosine)
        if value is None:
            return None
        keyed = keyed.model_copy(update={"value": value or None})
        return item, keyed, f"{family} changed (by family) from {item.value.get('value')!r}"

    def _partner_ended(self, cand: Candidate) -> tuple[SearchItem, Candidate, str] | None:
        """ "We broke up", "I'm divorced now": the stored partner is no longer one (only
        when no stored status is there to supersede instead)."""
        if (cand.value or "").lower() not in _NO_PARTNER or find_conflict(
            self.store, self.ns, cand
        ):
            return None
        item = find_conflict(self.store, self.ns, cand.model_copy(update={"attribute": _PARTNER}))
        if item is None:
            return None
        return item, cand, f"partner {item.value.get('value')!r} ended: {cand.value}"

    # -- 2: preferences

    def preference_conflict(self, cand: Candidate) -> tuple[SearchItem, str] | None:
        """The active preference of the same subject that ``cand`` replaces, with why."""
        obj = _object(cand.attribute)
        polarity = (cand.value or "").lower()
        if obj is None or polarity not in {"yes", "no"}:
            return None
        changed = bool(_CHANGE_SIGNALS & set(cand.signals))
        replaces = {
            _singular(s.split(":", 1)[1]) for s in cand.signals if s.startswith("replaces:")
        }
        if polarity == "yes" and not changed and not replaces:
            return None  # a new like is an addition unless it says it changed
        if "explicit" not in cand.signals and not changed:
            # An inferred taste ("I'm trying to eat less meat") is weaker than the stated
            # one it would replace through a category (a false conflict on a blind set).
            return None
        items = self.store.search(
            self.ns,
            query=cand.content,
            filter={"status": MemoryStatus.ACTIVE.value, "subject": cand.subject},
            limit=PREFERENCE_POOL,
        )
        for item in items:
            if not same_namespace(item, self.ns):
                continue
            reason = _replaces(obj, polarity, changed, replaces, "switch" in cand.signals, item)
            if reason is None and changed:
                reason = self._same_object(cand.attribute or "", polarity, item)
            if reason is not None:
                return item, reason
        return None

    def _same_object(self, attribute: str, polarity: str, item: SearchItem) -> str | None:
        """The stored opposite taste names the same object in other words ("horror films"
        and "horror movies"): their E5 cosine reaches :data:`OBJECT_SIMILARITY`. The
        objects are compared as said ("movies" is not singular "movy")."""
        prefix = f"{AttributeFamily.LIKES.value}:"
        theirs = str(item.value.get("attribute") or "")
        old = (item.value.get("value") or "").lower()
        if not theirs.startswith(prefix) or old == polarity or old not in {"yes", "no"}:
            return None
        obj, other = _label(attribute[len(prefix) :]), _label(theirs[len(prefix) :])
        if other == obj or self.embeddings is None:
            return None
        a, b = self._embed([obj, other])
        score = cosine(a, b)
        return f"{obj} is {other} ({score:.2f})" if score >= OBJECT_SIMILARITY else None


def _replaces(
    obj: str, polarity: str, changed: bool, named: set[str], switch: bool, item: SearchItem
) -> str | None:
    other = _object(item.value.get("attribute"))
    old = (item.value.get("value") or "").lower()
    if other is None or other == obj or old not in {"yes", "no"}:
        return None
    if other in named and old == "yes":
        return f"{other} replaced by {obj}"
    if polarity != old:
        # "I've given up chocolate" covers "I love milk chocolate" (not "peanut butter")
        words = other.split()
        if other.endswith(f" {obj}") and words[-len(obj.split()) - 1] not in _NOT_OF_KIND:
            return f"{obj} ({polarity}) covers {other} ({old})"
        if (members := _category(obj)) and _in(other, members):
            return f"{obj} ({polarity}) covers {other} ({old})"
        if (members := _category(other)) and _in(obj, members) and changed:
            return f"{obj} ({polarity}) changed within {other} ({old})"
    if switch and polarity == old == "yes":
        kind = next(
            (k for k, m in KINDS.items() if _in(obj, m, False) and _in(other, m, False)), None
        )
        if kind is not None:
            return f"switched {kind}: {other} → {obj}"
    return None


def canonical_attribute(
    attribute: str, similar_family: Callable[[str], str | None] | None = None
) -> str:
    """The family key of ``attribute``: itself when keyed (``likes:…``) or a schema
    :class:`~langmem_extract.schema.Attribute`, an :data:`ALIASES` entry, else
    ``similar_family(label)`` (the embedding match), else the label unchanged."""
    if ":" in attribute or attribute in Attribute._value2member_map_:
        return attribute
    label = _label(attribute)
    if label in ALIASES:
        return ALIASES[label]
    if similar_family is not None and (family := similar_family(label)):
        return family
    return attribute


def _embed_queries(embeddings: Embeddings, texts: list[str]) -> list[list[float]]:
    batch = getattr(embeddings, "embed_queries", None)
    if callable(batch):
        return [list(v) for v in batch(texts)]
    return [embeddings.embed_query(t) for t in texts]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0 for a zero vector)."""
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a)) or 1.0
    nb = math.sqrt(sum(y * y for y in b)) or 1.0
    return dot / (na * nb)
