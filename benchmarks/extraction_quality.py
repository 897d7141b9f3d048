"""Text quality of the offline RuleExtractor on LoCoMo turns: junk rate and fallback rate.

Every LoCoMo session is extracted the way the eval harness ingests it (both speakers as
named users, the session date as reference time, photo captions appended). Then:

* **fallback rate** per conversation: the share of memories that are the last-resort
  "X said: …" / unmatched-clause episodic memory (signal ``fallback``);
* **automatic checks** over every memory: first person left in third-person text
  ("my", "I", "me"), a subject repeated as its own object ("User thinks User …"), a
  dangling "… when User can." ending, a lower-cased name after a relation word;
* **junk rate** on a labelled random sample (fixed seed) of ``--sample`` memories. A
  memory is *junk* when it is ungrammatical, keeps a pronoun or possessive whose referent
  is not in the text, or is a fragment (no verb, or no subject); otherwise *ok*. Labels
  live in ``benchmarks/extraction_quality_labels.json`` keyed by conversation id, turn
  ids and a hash of the memory text: the data is never copied into the repository, the
  text is regenerated at run time and looked up. ``--show-unlabelled`` prints the sampled
  memories that have no label yet (to stdout only).

``--record before`` stores the figures under that name in the JSON beside the page, so
the page shows the figures of an older extractor next to the current ones.

    python benchmarks/extraction_quality.py --data ../shared/data --out docs/benchmarks
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from langmem_extract.eval.data import DATA_ENV_VAR, load_locomo
from langmem_extract.eval.report import DEFAULT_OUT_DIR
from langmem_extract.extractors.base import ExtractContext
from langmem_extract.extractors.rules import RuleExtractor
from langmem_extract.messages import normalize_messages

LABELS = Path(__file__).with_name("extraction_quality_labels.json")
#: Random samples of turns: "dev" was read while the rules were fixed; "check" was labelled
#: blind on an intermediate version (its figure then led to more fixes); "held-out" was
#: labelled once, blind, on the version of that round. The next round added "check 2"
#: (blind on its intermediate version, then read for fixes) and "held-out 2" (blind on the
#: round's last version). The third round read those and added "held-out 3" (blind on the
#: round's last version, then its changed memories labelled after two more fixes). The
#: fourth round fixed the junk classes left in held-out 3 and drew "held-out 4" (blind);
#: the fifth drew "held-out 5" (blind) before changing any rule; the sixth round drew
#: "held-out 6" (blind) after its last change; each later round drew one more (7-12),
#: labelled once, blind, by a reader who had not seen the rules.
SEEDS = {
    "dev": 13,
    "check": 71,
    "held-out": 97,
    "check 2": 211,
    "held-out 2": 307,
    "held-out 3": 419,
    "held-out 4": 523,
    "held-out 5": 631,
    "held-out 6": 743,
    "held-out 7": 857,
    "held-out 8": 977,
    "held-out 9": 1117,
    "held-out 10": 1231,
    "held-out 11": 1381,
    "held-out 12": 1471,
}
SAMPLE = 200

_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'll|I'd|my|me|myself|mine)\b(?!-)")  # not "me-time"
_SELF_OBJECT = re.compile(
    r"^(?P<s>[A-Z][\w'-]*) (?:\w+ ){1,2}(?P=s) (?:might|may|will|would|can|could|should|is|was|has|had|\w+s)\b"
)
_DANGLING = re.compile(
    r"\b(?:when|if|as|than|because) [A-Z][\w-]* (?:can|could|will|would|do|does|did|is|was)\.$"
)
_LOWER_NAME = re.compile(
    r"\b(?:daughter|son|wife|husband|partner|sister|brother|mom|dad|mother|father|friend|"
    r"boss|dog|cat|cousin|aunt|uncle|niece|nephew)(?:'s name is|,? named| called)? (?!and\b|is\b|"
    r"was\b|has\b|had\b|who\b|to\b|in\b|at\b|for\b|with\b|of\b|on\b|are\b|were\b|will\b|"
    r"would\b|can\b|loves?\b|likes?\b|just\b|also\b|got\b|went\b|too\b|said\b)(?P<n>[a-z]{3,})\b\.?$"
)


@dataclass(frozen=True)
class Produced:
    conv: str
    turns: tuple[str, ...]
    subject: str
    content: str
    fallback: bool

    @property
    def key(self) -> str:
        digest = hashlib.sha1(self.content.encode("utf-8")).hexdigest()[:12]
        return f"{self.conv}|{','.join(self.turns)}|{digest}"


def produce(data: Path | None) -> list[Produced]:
    """Every memory the rule extractor makes from the LoCoMo dev sessions, in order."""
    extractor = RuleExtractor()
    out: list[Produced] = []
    for conv in load_locomo(data):
        for session in conv.sessions:
            msgs = normalize_messages(
                [
                    {"role": "user", "name": t.speaker, "id": t.dia_id, "content": t.text}
                    for t in session.turns
                ],
                reference_time=session.timestamp,
            )
            for cand in extractor.extract(msgs, context=ExtractContext()).candidates:
                out.append(
                    Produced(
                        conv.sample_id,
                        tuple(cand.source_message_ids),
                        cand.subject or "",
                        cand.content,
                        "fallback" in cand.signals,
                    )
                )
    return out


def auto_flags(p: Produced) -> list[str]:
    """Mechanical signs of junk; a labelled 'ok' memory must pass them all."""
    text = re.sub(r"\"[^\"]*\"|\[[^\]]*\]", "", p.content)  # quoted speech and captions
    flags = []
    if _FIRST_PERSON.search(text):
        flags.append("first person left")
    if _SELF_OBJECT.search(text):
        flags.append("subject repeated")
    if _DANGLING.search(text):
        flags.append("dangling auxiliary")
    if _LOWER_NAME.search(text):
        flags.append("lower-cased name")
    return flags


def measure(data: Path | None, sample: int) -> tuple[dict[str, object], list[Produced]]:
    produced = produce(data)
    labels: dict[str, str] = json.loads(LABELS.read_text("utf-8")) if LABELS.exists() else {}
    per_conv: dict[str, Counter[str]] = {}
    for p in produced:
        c = per_conv.setdefault(p.conv, Counter())
        c["memories"] += 1
        c["fallback"] += p.fallback
        c["flagged"] += bool(auto_flags(p))
    samples: dict[str, dict[str, object]] = {}
    unlabelled: list[Produced] = []
    disagree: list[str] = []
    for name, seed in SEEDS.items():
        picked = _sample(produced, seed, sample)
        labelled = [(p, labels[p.key]) for p in picked if p.key in labels]
        junk = [p for p, label in labelled if label.startswith("junk")]
        disagree += [p.key for p, label in labelled if label == "ok" and auto_flags(p)]
        unlabelled += [p for p in picked if p.key not in labels and p not in unlabelled]
        samples[name] = {
            "sample": len(picked),
            "labelled": len(labelled),
            "junk": len(junk),
            "junk_rate": len(junk) / len(labelled) if labelled else None,
            "junk_kinds": dict(Counter(labels[p.key].partition(":")[2] for p in junk)),
        }
    figures: dict[str, object] = {
        "memories": len(produced),
        "fallback": sum(p.fallback for p in produced),
        "flagged": sum(bool(auto_flags(p)) for p in produced),
        "flag_kinds": dict(Counter(f for p in produced for f in auto_flags(p))),
        "per_conversation": {k: dict(v) for k, v in per_conv.items()},
        "quotes": sum(p.content.count(" said to ") > 0 and p.fallback for p in produced),
        "samples": samples,
        "ok_but_flagged": disagree,
    }
    return figures, unlabelled


def _sample(produced: list[Produced], seed: int, size: int) -> list[Produced]:
    """``size`` memories of randomly ordered turns: the order hashes the seed with the
    conversation and turn ids, so two extractor versions are sampled on the same turns."""

    def order(item: tuple[int, Produced]) -> tuple[str, int]:
        i, p = item
        turn = f"{seed}|{p.conv}|{','.join(p.turns)}".encode()
        return hashlib.sha1(turn).hexdigest(), i

    return [p for _, p in sorted(enumerate(produced), key=order)[:size]]


def _junk(f: dict[str, object], sample: str) -> str:
    s = f["samples"].get(sample)  # type: ignore[union-attr]
    if not s or not s["labelled"]:
        return "not labelled"
    return f"{s['junk']}/{s['labelled']} = {s['junk_rate']:.3f}"


def _row(name: str, f: dict[str, object]) -> str:
    mem, fb, fl = int(f["memories"]), int(f["fallback"]), int(f["flagged"])  # type: ignore[call-overload]
    quotes = int(f.get("quotes", 0))  # type: ignore[call-overload]
    return (
        f"| {name} | {mem} | {fb} ({fb / mem:.3f}), {quotes} quoted | {fl} ({fl / mem:.3f}) "
        + "".join(f"| {_junk(f, sample)} " for sample in SEEDS)
        + "|"
    )


def render(runs: dict[str, dict[str, object]]) -> str:
    rows = "\n".join(_row(name, f) for name, f in runs.items())
    convs = sorted({c for f in runs.values() for c in f["per_conversation"]})  # type: ignore[union-attr]
    conv_rows = []
    for conv in convs:
        cells = []
        for f in runs.values():
            c = f["per_conversation"].get(conv)  # type: ignore[union-attr]
            cells.append(
                f"{c['fallback']}/{c['memories']} = {c['fallback'] / c['memories']:.3f}"
                if c
                else "–"
            )
        conv_rows.append(f"| {conv} | " + " | ".join(cells) + " |")
    kinds = "\n".join(
        f"| {name} | " + ", ".join(f"{k} {v}" for k, v in sorted(f["flag_kinds"].items())) + " |"  # type: ignore[union-attr]
        for name, f in runs.items()
    )
    header = " | ".join(
        f"{'junk: dev sample' if name == 'dev' else name} (seed {seed})"
        for name, seed in SEEDS.items()
    )
    return f"""# Rule extractor text quality (LoCoMo dev)

Produced by `benchmarks/extraction_quality.py` (offline `RuleExtractor`, no model), over
the 5 LoCoMo dev conversations extracted session by session as the eval harness does.

| extractor | memories | "said:" fallbacks | automatic flags | {header} |
|---|---|---|---|{"---|" * len(SEEDS)}
{rows}

Fallback rate per conversation (fallback memories / memories):

| conversation | {" | ".join(runs)} |
|---|{"---|" * len(runs)}
{conv_rows and chr(10).join(conv_rows)}

Automatic flags by kind:

| extractor | flags |
|---|---|
{kinds}

**Junk** (labelled by hand, one label per sampled memory): ungrammatical text (wrong verb
form, broken syntax), a pronoun or possessive left unresolved ("my", "her", or an "it",
"this", "that", "them", "there" for a thing, person or place, with no named referent in the
memory's text; read literally from the *round 6, literal* row on, see below), or a
fragment with no verb or no subject ("Melanie chose Here.").
Everything else is *ok*, even when it is dull. Random samples of {SAMPLE} memories are drawn
from each extractor's own output, in the order of a hash of the seed and the turn ids, so
both versions are sampled on the same turns. The *dev* sample (seed {SEEDS["dev"]}) was read
while the rules were being fixed. The *check* sample (seed {SEEDS["check"]}) was labelled
blind on an intermediate version, where it measured 20/200 = 0.100 junk; that led to a last
round of general fixes (bare plural antecedents, past tenses that look like presents, "even"
dropping the subject), after which its changed memories were labelled too, so it is no
longer blind. The *held-out* sample (seed {SEEDS["held-out"]}) was labelled once, blind,
after the last change of that round (bc6dd81): 17/200 = 0.085.

The next round read the junk of the dev and check samples, fixed its general causes and
labelled *check 2* (seed {SEEDS["check 2"]}) once, blind, on an intermediate version (aba5924):
20/200 = 0.100 (unresolved "them"/"her" in quotes and clauses, a wrong plural antecedent,
"Tomorrow's gonna" dated to "'s gonna", a conjugated "retook", fragments). Its junk then
led to a second round of general fixes, so it is no longer blind. *Held-out 2* (seed
{SEEDS["held-out 2"]}) was then labelled once, blind, on ab424c9: 14/200 = 0.070. One
regression fix followed (a plural phrase with two modifiers, which took a verb for a
noun: "my students succeed motivates"); it changed one memory of that sample, which was
re-labelled (junk before and after), and a last one (a named subject with its own
verb, "Sarah left, and my new manager is Tom", split again) added one memory to the
sample, labelled after it (ok). The held-out sample of the earlier round (seed
{SEEDS["held-out"]}) was re-labelled on the new output where its memories changed; it is no
longer blind either.

The third round read the junk of held-out 2 and fixed its causes in general form: "sort
of"/"kind of" conjugated as verbs ("sorts of made"), "me" replaced inside "me-time",
impersonal leads read as the speaker ("Been a long road" → "Caroline has been a long
road"), dropped subjects before "haven't"/"didn't"/"not surprised", a second verb after a
comma ("…, wanted to let you know"), "in a few days" after a negated perfect dated as a
future day, comparisons with no main clause ("Almost as silly as when …"), "any"/"some"
as the whole object, a time or place standing as a subject (", but in July 2023 at that
event was …"), and plural referents: a clause resolved by its own words (the clause was looked for with the wrong
capital), verbs read as plurals ("Sounds great", "your friendship means a lot"), "photos
of them" taking "photos" as the antecedent, "favorites" as a referent, two joined names
("Harry Potter and GoT") as a plural, a closing question's subject chosen among several
phrases, people-only verbs ("they asked") needing a people noun, and a quoted "they"
looking back through up to eight turns while each goes on saying "they" (the turtles
named six turns before). Every fix has a test with invented sentences and look-alikes
(`tests/extractors/test_rules_junk.py`); LoCoMo evidence coverage of the extractor's
own output stayed 652/684 at every step.

The fourth round fixed the causes left in held-out 3, in general form: verbless praise
kept as a fallback ("Good for Ana to …", "Cool that Ben gets to …", "Way to …": dropped, or
quoted as said to the other speaker), a "let's" in third-person text (a trailing ", so
let's …" cut, any other dropped), an organisation read as "they" ("called the clinic and
they said …": the organisation names the plural, no earlier plural is put in its place),
a quoted "she"/"her"/"him" that no earlier turn, no word of the quote and no word of the
question it answers names (not stored; a quoted "they" still is: dropping those lost 3
LoCoMo evidence turns whose plural was named in a photo or several turns back), "her"
before a bare verb after "watching"/"seeing"/"let" read as an object ("Seeing her walk",
not "Seeing Ana's walk"), a date after a preposition without its own "on"/"in" ("from 13
August 2023", not "from on …"; a bare year keeps "in" as it would not ground again), and
time adverbs conjugated ("firsts watched"). *Held-out 4* (seed {SEEDS["held-out 4"]}),
never looked at before, was then drawn and labelled once, blind, on a89c943 (the *round
4, first look* row): **15/200 = 0.075 junk** (95 of its memories already had labels from
earlier samples and kept them; this reader disagreed with two, "Here's a shot Maria got
when they volunteered" and "at leasts one will make it", both junk to this reader: 17/200
= 0.085 by this reader alone). Its junk: a call to the listener tacked on ("…, take a
look", "- check out this pic"; 2), subjectless fallbacks ("Busy with studies but …",
"Takes a lot of courage"; 2), a dropped object ("can't wait to see where this takes"; 1),
"It took some trial and error" written with the speaker as subject (1), "we're both" as
"X and others are both" (1), a verb conjugated after "helping you" (1), a speaker's short
name left as a vocative ("Whoa, Mel, …"; 1), a quote's "them" given the wrong referent
(1), "named her Tilly" written "named Tilly's Tilly" (1), "I read … and loved it" written
as a present (1), a present perfect with a date ("has been to Paris on …"; 1), a list that
lost its first item (1), and "ya" left for "you" (1). Seven of those causes were then fixed
(the calls to the listener, "helping you express yourself", the short vocative, "named her
Tilly", a "read" coordinated with a past, "ya"), which changed seven memories of the
sample, labelled after the fix: the held-out 4 figure of the *round 5, last* row (8/200 = 0.040)
is no longer blind. The other causes are still junk. Every fix has a test with invented
sentences and look-alikes (`tests/extractors/test_rules_junk.py`); LoCoMo evidence
coverage of the extractor's own output stayed 652/684 at every step. The ten memories
of the earlier samples that this round changed were labelled after it (all ok, among them
"Nate said they could help": the speaker's own "they" after the name, as in earlier
rounds).

*Held-out 5* (seed {SEEDS["held-out 5"]}), never looked at before, was drawn and labelled
once, blind, on de0303d before any rule of the fifth round changed (the *round 5, first
look* row): **20/200 = 0.100 junk** (93 of its memories already had labels from earlier
samples and kept them, 3 of them junk; this reader agreed with all 93). Its junk: an
impersonal or dropped lead read as the speaker ("Been hectic for me" → "Jon has been
hectic for Jon", "This week has been swamped with exams for me" losing "This week" to its
date, a mistyped "I has been a while" conjugated again; 3), "them" given a wrong referent
("inspired them" → "inspired the struggles", "offer them support", a quote's "them"
bracketed as the previous speaker's works; 3), "when I look after myself, I'm able …"
split at "after" into two fragments (2), a coordinated second verb left unconjugated ("if
Tim has any questions or need help"; 1), a dropped "you" leaving "made this for." (1), a
date put after a trailing exclamation ("- can't wait in August 2023"; 1), "favorites"
singularised ("one of John's favorite"; 1), "since I'm X I'm Y" written "is X they are Y"
(1), the subject repeated ("Caroline is grateful Caroline gets to"; 1), "we can both" as
"X and others can both" (1), a verbless "said:" fallback ("Nature and quality time, can't
beat it"; 1) and a quoted "they" whose plural was named only in the previous turn (1),
plus the 3 already junk in earlier samples. Five of those causes were then fixed in general
form: a "when"/"if" clause (or a "because"/"since" one after "but"/"and"/"so") closing
the left part of a comma split stands alone, as it does when it leads the sentence, so it
no longer leaves "…, but when Ana looks." behind; a preposition after a verb ("look
after", "take after") stays with that verb instead of opening the next clause; a closing
"- can't wait!" / ", so excited!" with no subject and no object is cut before a date is
appended; "Been hectic for me" is about the time ("It's been …", not stored), not the
speaker; "one of my favorites too" no longer takes "too" for the kind of thing; and a
"them" where only people fit ("inspired them to …", "offer them support", not "showed
them to …") takes no earlier plural thing (the memory is not stored). Each has a test with
invented sentences and look-alikes (`tests/extractors/test_rules_junk.py`). They changed 9
memories of all five conversations (2961 → 2957 memories) and none of any earlier sample;
six memories new to held-out 5 (four rewritten, two drawn in place of dropped ones) were
labelled after the fix, one junk ("bet just in the week of … Nate would …"): the held-out
5 figure of the *round 5, last* row, **14/200 = 0.070**, is no longer blind. The other causes are
still junk: a time standing as the subject ("This week has been swamped" grounded to "in
the week of …"), a quote's "them" bracketed with the wrong referent, a coordinated verb
left unconjugated, a dropped "you", "since I'm X I'm Y", "X and others can both", a
subject repeated, a verbless fallback and a quoted "they" named only in the turn before.
LoCoMo evidence coverage of the extractor's own output (categories 1-4, the evidence ids
among all memories' source turns) stayed 652/684 for the five conversations and 127/133
for conv-26 at every step. `eval locomo --conversations conv-26` on the round's last
commit (load average 3-6): hit@10 (categories 1-4) 0.847, hit@5 0.747, dense only 0.693,
category 5 hit@10 0.830, evidence coverage 127/133, 479 memories (round 4: 0.840, 0.733,
0.693, 0.809, 127/133, 482). `eval prefeval` was not re-run for this round.

The sixth round (the *round 6* row; *round 5, last* is the fifth round's last row, recorded
then as *after*) fixed the causes left in held-out 4 and 5 in general form and added a
**self-check of every rewritten memory** before it is emitted (`extractors/rules/selfcheck.py`).
Whatever rule made a memory, its text outside quotes and captions must show no sign of
junk: a first or second person left, a sentence opening on its verb ("Has been swamped …",
"… Takes a lot of courage"), "It took some trial and error" read with the speaker as
subject, a verb conjugated twice ("hases"), a date standing as the subject, "X and others
can both", a present perfect with a date, a list that lost its first item, two clauses run
together ("is lactose intolerant they are …"), a preposition left with no object ("made
this for."), a verbless head before a comma ("Nature and quality time, can't beat it"),
the subject repeated as the next clause's subject, a dangling "when they do." / "where
this takes.", a coordinated verb that does not agree. The signs with a safe rewrite are
mended in place (a dated perfect becomes a past, "went to Paris on …"; "or need help"
after "has" becomes "or needs help"; "about in 2019" reads "in about 2019"; a lower-case
sentence start is capitalised; a date put after a photo caption moves before it). When a
sign is left, the memory becomes the speaker's own sentence, quoted, with the speaker,
the person spoken to and what the words answer named (`On <date>, X said to Y, replying
to "…": "…"`), as the quoted fallbacks earlier rounds labelled ok; it is dropped only
when the quote itself opens on or turns on a pronoun nobody named. On the five
conversations the check fires on 16 rewrites and emits 13 quotes (a rule memory quoted is
now counted among the "said:" fallbacks); the repairs change 17 memories. Fixed at the
source as well: "we can both" / "we're both" in a two-person talk names the two ("Joanna
and Nate can both …"; "we built it both on and off the court" stays a group), a name
after a preposition is its object, not a vocative ("made this for Joanna", no longer
"made this for."), "Books, movies, and walks …" keeps its first item (no vocative before a
list), "in the past week" grounds once ("in the week of …", no longer "in the in the week
of …"), a quoted "them" where only people fit ("having them there to cheer you on") takes
no earlier thing ("my goals"), and "a small group of dancers" names the plural a quoted
"they" looks back to, while "in the works" names none. Each has a test with invented
sentences and look-alikes (`tests/extractors/test_rules_selfcheck.py`). No new sample was
drawn: the 30 memories of the eight samples whose text changed were labelled after the
change by this round's reader (3 junk: a source sentence kept with its own broken "I has
been", "Joanna did!" and a "said:" fallback with "Blessed Maria and John both have"), so
none of the samples is blind any more for this round; a new blind sample is left to
someone else. Junk per sample, *round 5, last* → *round 6*: dev 2 → 2, check 4 → 4,
held-out 11 → 8, check 2 6 → 6, held-out 2 1 → 1, held-out 3 5 → 4, held-out 4 8 → 0,
held-out 5 14 → 6 (of 200 each; all eight samples together 51 → 31 of 1600, 0.032 →
0.019), and the automatic flags 2 → 0. These figures are not blind: they measure the
classes this round was told about, on the memories they were seen in. "Said:" fallbacks 594 → 604 of 2957 memories (0.201 →
0.204; 142 → 155 of them quoted): the self-check is the last resort, not the rule. LoCoMo
evidence coverage of the extractor's own output stayed 652/684 at every step. On the
round's commit (load average 3-7, beside other sessions' runs): `eval prefeval` persona
recall 0.523 under the strict rule, explicit 0.980, with 10.71 and 1.14 memories per
conversation (the same as the third round's run); `eval locomo --conversations conv-26`
hit@10 (categories 1-4) 0.847, hit@5 0.747, dense only 0.700, category 5 hit@10 0.830,
evidence coverage 127/133, 479 memories (round 5: 0.847, 0.747, 0.693, 0.830, 127/133,
479).

*Held-out 6* (seed {SEEDS["held-out 6"]}), never looked at before, was then drawn and
labelled once, blind, on the sixth round's last commit (23f30fa, the *round 6* row; the
earlier rows show it as not labelled): **6/200 = 0.030 junk** (101 of its memories already
had labels from earlier samples and kept them, 2 of them junk; this reader agreed with all
101). Its junk: a repeated subject with a bare second verb ("For Nate Nate just gets deep in
thought and think …"; 1), a broken source sentence kept as a "said:" fallback ("must have
unreal"; 1), a past "read" written as a present ("Tim reads a few of the stories", answering
"Have you read …"; 1), a quote cut down to its "if" clause with its main clause lost ("If you
know anyone who might be interested …"; 1), plus the 2 already junk in earlier samples (a
"said:" fallback's "they" that nobody named, "X and others gotta do something"). As in every
earlier sample, an "it"/"this"/"that" for a thing named earlier in the turn ("Joanna finds it
really rewarding", "It's been Jon's stress-buster since childhood"), a singular
"they"/"their" for the named speaker, and a perfect with a grounded date ("it's been a great
experience in the week of …", "has been networking … shortly before …") were labelled ok;
read as junk, the ten such "it"/"that" memories among the 99 labelled new would make it at
least 16/200. No rule was changed after the labelling, so this figure is blind.

The junk definition above counts any pronoun whose referent is not in the memory's own
text, but every round's labels had read an "it"/"this"/"that" standing for a thing named
earlier in the turn ("Joanna finds it really rewarding") as ok. The *round 6, literal* row
is the same output labelled by the definition as written: every such memory is
*unresolved* junk (167 labels turned from ok to junk, no rule changed). Read that way,
round 6 has 265/1800 = 0.147 junk over the nine samples (held-out 6: 29/200 = 0.145),
against 37/1800 = 0.021 with the earlier reading; the rows above *round 6, literal* keep
the earlier reading. Writing each such "it" as the thing named, or else quoting the
speaker's words with the sentence that names it, brought the literal figure to
141/1800 = 0.078 on the same samples, but made 367 more memories quotes ("said:"
fallbacks 604 → 889 of about 2,955, 0.204 → 0.301): that was not taken.

The seventh round (the *round 7* row) settles such an "it" without quoting most of them
(`extractors/rules/things.py`, `extractors/rules/referents.py`). A referring "it" (not an
expletive or an idiom; its detection now also reads any object "it", a subject "it" after
"heard"/"knows"/"feels", an adjective with an adverb before it, "was like …") counts as
named by the memory only when a thing is named before it past a clause break ("Ana bought a
lamp and loves it"; not "over the moon about it", "commitment to it", "Ana was there and
it's …"). A "them" with no plural named before it, a place word ("people there") and "like
that" at a sentence's end are read the same way. Then, in order: the one activity or
singular thing the turn's sentence before names takes its place ("Dancing has been Jon's
stress-buster"); else the memory is joined to the memory of the clause before it when that
one names a thing ("Melanie made this bowl in their class, and Melanie is pretty proud of
it"; a plural for a "them"); else it is dropped when the message keeps another memory
(nothing is lost that the others do not say); else it is followed by the words that name
the thing: the end of the turn it answers, up to 240 characters with any photo shared
("…, replying to Gina's "Wow, you got a new planner! How have you been using it?""), and
the last sentence naming a thing in the turn before that when the answered words name
none or say "it" themselves ("…, about "I bought a paper planner last week.""); else it is
the speaker's words quoted with those same words. A quote whose own "it" its words do not
name takes the same context. Of 2957 memories, 149 fewer are made (those dropped), "said:"
fallbacks went from 604 to 627 (0.204 → 0.223; quoted 155 → 270, most of them fallbacks
that were already "said:" forms and now carry what they answer), and LoCoMo evidence
coverage of the extractor's own output stayed 652/684 at every step. Every rule has a test
with invented sentences and look-alikes (`tests/extractors/test_rules_things.py`).

*Held-out 7* (seed {SEEDS["held-out 7"]}) was drawn on the round's first commit (1689a03)
and labelled once, blind, by a reader who had not seen the rules, under the literal
definition, with 40 earlier labels to calibrate on: **14/200 = 0.070 junk** (88 of its
memories already had labels and kept them). That reader labelled 240 new texts of all
samples (34 junk); the round then went on (a clause break required, "them", "there", "like
that", the wider context), so held-out 7 is no longer blind (12/200 after). *Held-out 8*
(seed {SEEDS["held-out 8"]}) was then drawn on the round's last commit and labelled once,
blind, by another such reader: **20/200 = 0.100 junk**; its 113 memories with earlier labels
hold 8 junk, its 87 never labelled before hold 12. No rule changed after it, so that figure
is blind. Its new junk: an "it", "its", "both", "these" or "them" nothing in the memory
names (an outing, a book series, a figurine, photos shown, people named turns before; 8,
four of them "said:" fallbacks or quotes), "his" rewritten as "Man's" and a plural after "a"
("has a favorite fantasy novels"; 2), a dropped object ("has been working on for a while";
1), a verbless "said:" fallback (1); and the 8 already junk in earlier samples. Over all eleven samples the round 7 output has 126/2200 = 0.057
junk under the literal definition, against 265/1800 = 0.147 for round 6 on the nine it was
labelled on; the samples read while the rules were written are lower than the two drawn
fresh, which are the honest figure: the **5% target is not met** (held-out 7: 0.070, first
look; held-out 8: 0.100). What is left is mostly an "it" or "them" whose thing was named
turns before or only shown, and agreement slips of the grammar rules that no sample had
shown before.

The eighth round (the *round 8* row) read held-out 8's new junk for general causes: a
sentence opening on "Both are …" or "Its …", an "it'd", and "like these" before "that",
"when" or "where" ("It's moments like these that …") now name nothing, so the memory is
settled as above; "when it rains" is an expletive; and "gotta" after a named subject
reads "has to" / "have to" ("Maria and others have to do something"). *Held-out 9* (seed
{SEEDS["held-out 9"]}) was then drawn and labelled once, blind, by a third reader who had
not seen the rules: **14/200 = 0.070 junk** (118 of its memories already had labels, 9 of
them junk; its 82 new hold 5: an "it" or "this" nothing in the memory names, 4, and a
"them" written as the wrong thing, "brings the peaceful moments in the kitchen", 1). Held-out 8 is no longer blind (15/200 after). The
three blind figures of rounds 7 and 8 are 0.070, 0.100 and 0.070; the readers differ too
(the first two marked 14% and 15% of the new texts they read as junk, the third 5%).

The ninth round (the *round 9* row) made the clause before an "it" name it only when that
clause ends on a singular thing ("Ana also enjoys yoga, it's …", "Ana opened a shop and
it's …"; not a plural, the subject's name, "there", "because", a participle: "Rest
assured, it …", "… important to Ana, and it's …"), stopped reading "It's" as a possessive
("It's easy to … forget that"), and read a modal after "it" ("It must add …") and "bet it"
as a subject "it". The word lists moved to `extractors/rules/thing_words.py`. *Held-out
10* (seed {SEEDS["held-out 10"]}), drawn on the round's last commit and labelled once,
blind, by a fourth reader: **17/200 = 0.085 junk** (120 of its memories already had
labels, 10 of them junk; its 80 new hold 7: an "it", "this", "there", "any" or "the
ones" nothing in the memory names, 6 — "any" and "the ones" counted by this reader though
the definition lists neither — and an "is been" from a wrong referent, 1). Held-out 9 is no
longer blind (14/200 after). The four blind figures since the literal reading are 0.070,
0.100, 0.070 and 0.085: about 0.08, with the samples read while writing rules at 0.035-0.065.
**The 5% target is not met.**

The tenth round (the *round 10* row) worked on every junk kind the thirteen samples held,
in general form, each fix with invented sentences and look-alikes in
`tests/extractors/`. An object "it" its turn leaves unnamed takes the one thing the
exchange named a few turns back while each turn kept calling it "it" ("What about your
script?" … "research for it" → "… for the script"; `topics.py`), and a subject "It"/"That"
only with a predicate a thing takes ("It has …", "It helps …", "was from …"); the words
set beside an unnamed "it" must name one thing and no "it" of their own; "any" and "the
ones" before a clause are settled like "them"; a "that" after a noun phrase is a relative;
a "this"/"that" standing for what happened ("won't let this bring me down") is dropped
beside another memory. "They" is the organisation the question answered names ("Did
something happen with the company?" "They sent me …"), never a plural of things when only
people fit ("inspire them", "their faces"), and the clause's own plural before a sentence
on something else ("prefer cars without sunroofs as they …"); a bare "one" takes the one
thing said with "a" (`ones.py`). New self-check signs quote slips ("practices and
compete", "is been", "do likes", "a favorite … novels", "must have unreal", a name said
twice, "during in the week of …"), and a quote must itself read as a whole sentence: a
fragment is left out of it, a quote with none gives way to the message's other memories
(`quotes.py`). A verb spelled alike in both tenses beside a past stays a past ("put …
and froze it"; `tense.py`), "lately" after a negated perfect is no date, a name opening
the sentence keeps its first word ("Iron Man"), and "just let me know" / "hang in there"
closing a turn are cut as calls to the listener. A fifth reader, who had not seen the
rules, labelled the 74 memories of the samples the first half of the round rewrote (13
junk); a sixth labelled, once and mixed, the 25 the second half rewrote and the 63 new
memories of *held-out 11* (seed {SEEDS["held-out 11"]}), drawn on the round's last commit:
**12/200 = 0.060 junk**, blind (its 137 memories with earlier labels hold 2 junk; its 63
new hold 10: an "it", "that" or "like that" nothing names, 5 (in a "said:" rewrite, a
quote, "see where it takes Gina", "encourages it", "cool places like that"); a "lately"
grounded into a present ("is trying out … shortly before <date>"), a leading "Inspiring
💪", a trailing "speaking of", and "bring so much joy and loves", 4; a quoted sentence
with no subject ("Just want to let them know …"), 1). The thirteen earlier samples fall from 147/2600 =
0.057 to 84/2600 = 0.032, but they were read while the rules were written; the blind
figure is the honest one, and **the 5% target is still not met** (0.060). "Said:"
fallbacks 628 → 632 (0.226); LoCoMo evidence coverage of the extractor's output stays
652/684. `eval locomo` on the round's last commit (load average 0.6-2.5, beside other work):
hit@10 (categories 1-4) 0.872 against 0.875 before (97 misses against 95), hit@5 0.793
(0.786), hit@20 0.911 (0.908), category 5 hit@10 0.873 (0.882), 2,774 memories;
`eval prefeval`: persona recall 0.507 under the strict rule, explicit 0.980, 10.41
memories per persona conversation, as before ([locomo.md](locomo.md),
[prefeval.md](prefeval.md)).

An eleventh round (the *round 11* row) read held-out 11's junk for general causes. An
"it" after a plural or after a likeness said of a person names nothing ("all the yellow
leaves, it looks …", "made everyone so comfortable and it …"), nor does a clause ending
on a particle ("Push through, and it'll …"); "see where it takes me", "gives it a kick"
and "doing that as well" keep an "it" to settle; a "that" after "!" or "?" is a pronoun;
a "said:" rewrite that keeps an unnamed "it" is quoted with what it answers; a quote
reacting with "Great idea! that …" replies to the whole end of the turn. "Lately" and
"recently" in a present or present perfect clause stay words, not "shortly before
<date>"; an emoji ends a sentence and stays out of rewrites ("Inspiring 💪 I emailed …");
a trailing "speaking of" goes; "joy and love" closing a clause is no verb. Held-out 11's
changed memories were labelled after (5/200, no longer blind). *Held-out 12* (seed
{SEEDS["held-out 12"]}), drawn on the round's last commit and labelled once, blind, by a
seventh reader together with the round's rewritten memories: **15/200 = 0.075 junk**
(its 128 memories labelled before hold 2 junk; its 72 new hold 13: an "it", "there",
"their", "these" or "this" nothing in the memory names, 10, several in quotes and "said:"
rewrites, and "his" rewritten as the child's own name; a "said:" rewrite or a quote with
no verb or no subject, 3). The thirteen earlier
samples fall to 74/2600 = 0.028. The two blind figures of these rounds are 0.060 and
0.075: the samples read while writing rules carry 2 junk in about 130 memories, while the
memories no reader had seen carry 10 in 63 and 13 in 72, so the output as a whole is
still well above 5%. **The 5% target is not met.** `eval locomo` on the round's last
commit (load average 1-3): hit@10 (categories 1-4) 0.875 (95 misses, as before round 10),
hit@5 0.796, hit@20 0.912, category 5 hit@10 0.869 (0.882 before round 10), evidence
coverage 652/684, 2,769 memories; `eval prefeval`: persona 0.507, explicit 0.980, 10.41
memories per persona conversation.

*Held-out 3* (seed {SEEDS["held-out 3"]}), never looked at before, was then drawn and labelled
once, blind, on 03746dc: 13/200 = 0.065 junk (82 of its memories already had labels from
earlier samples and kept them; this reader disagreed with one, "Way to take Jon's passion
and make it into a biz", a fragment to this reader: 14/200 = 0.070 by this reader alone).
Its junk: a speaker's short name ("Mel" for Melanie) taken as another woman for "her" (2),
"my family'" for "their" of a collective noun (1), fallback exclamations with no verb
("Good for Tim to …", "Cool that Tim gets to …"; 2), a broken source sentence kept as a
fallback ("The playing an awesome pop song …"; 1), "let's" left in a third-person memory
(1), a present-looking past ("puts it in … and froze it"; 1), "they" naming a singular
organisation ("asked if the streets needed any volunteers", the shelter; 1), "about a year
ago" grounded as "about in 2022" (1), and three memories already junk in earlier samples
("practices and compete", "with their eyes", a quoted "her" nobody named). The first two
causes were then fixed (55f9228), which changed three memories of the sample; they were
labelled after the fix, so the held-out 3 figure of the later rows (10/200 = 0.050) is
no longer blind. (From 911bed0 to 55f9228, so also when held-out 3 was labelled, a later
"I" after a named subject was written as the name again; 8b10493 put back "they" within
four words of the name, as the repeated name reads "User thinks User might" and tripped
the automatic flag 8 times: it changed no memory of held-out 3 and one of held-out 2,
labelled after.) The other causes are still junk. Labelling is one reader's judgement: on memories that two readers
labelled, they disagreed on 4 of 59 (check 2), 2 of 71 (held-out 2) and 1 of 82 (held-out 3). The labels are stored by conversation
id, turn ids and a hash of the memory text (`benchmarks/extraction_quality_labels.json`),
never the text. **Automatic flags** are mechanical checks over every memory: first person
left in third-person text, the subject repeated as its own object ("User thinks User
might…"), a dangling auxiliary ("… when User can."), a lower-cased name after a relation
word. A memory labelled ok never carries a flag (the script lists any that do).

The *before* row is the extractor at commit 0b3f6c1 (the "said:" fallback beside every
message's rule memories, no coreference, relation or well-formedness step), run with
`--record before` from a checkout of that commit; its *check* sample is only partly
labelled. The *previous round* row is the *after* row of the second round, as recorded
then (held-out 3 was not drawn yet); *round 3* is the *after* row of the third round, as
recorded then (held-out 4 was not drawn yet). Evidence coverage and PrefEval figures of the second round's extractor, from
`benchmarks/rule_extractor.py`: 1064/1106 LoCoMo evidence turns yield a memory
before and after, PrefEval explicit 492/505 and persona 502/505 before and after
([rule_extractor.md](rule_extractor.md) shows the current extractor's: 1065/1106, 501/505
and 503/505 after round 11).

LoCoMo on conv-26 (`eval locomo --conversations conv-26`, the shipped hybrid retriever),
bc6dd81 → *previous round*: evidence coverage 127/133 = 0.955 → 0.955, hit@10 (categories 1-4)
117/150 = 0.780 → 116/150 = 0.773, hit@5 0.687 → 0.693, hit@10 category 5 0.596 → 0.617,
memories 490 → 484 ("said:" fallbacks 87 → 86), measured at 2e525b4, before the last split
fix (which changed 4 of conv-26's memories and added one). The one question lost at hit@10
was not traced; PrefEval was not re-run for that round.

Third round (55f9228/8b10493 against c596607): the extractor's memories cite 652/684 LoCoMo
evidence turns of categories 1-4 (0.953) before and after, at every step (the evidence
ids among all memories' source turns, computed from the extractor's output, which gives
the 652/684 of the published five-conversation `eval locomo` run in locomo.md);
`benchmarks/rule_extractor.py` gives 1065/1106 evidence turns yielding a memory, PrefEval
explicit 501/505 and persona 503/505 conversations with a preference-like memory, before
and after. `eval prefeval` at 55f9228 (load average 8-11): persona recall 0.523 under the
strict rule, explicit 0.980, with 10.71 and 1.14 memories per conversation, the same as
the run of the merged previous round (0.523, 0.980, 10.71, 1.14). A five-conversation `eval locomo` run was started but stopped
after 30 minutes at a load average of 9-11 (six sessions' test suites); instead
`eval locomo --conversations conv-26` ran side by side on c596607 and 8b10493 (load
average 3-5): hit@10 (categories 1-4) 0.807 and 0.807, dense only 0.687 and 0.687, hit@5
0.740 and 0.740, category 5 hit@10 0.809 and 0.809, evidence coverage 127/133 both,
memories 485 → 483 ("said:" fallbacks 86 → 89). On all five conversations the rule
extractor gives 2974 → 2970 memories (fallbacks 600 → 603).

Fourth round (against dcb9473): the extractor's memories cite 652/684 LoCoMo evidence turns
of categories 1-4 before and after, at every step; on all five conversations it gives 2970
→ 2961 memories (fallbacks 603 → 594). `benchmarks/rule_extractor.py` gives 1065/1106
evidence turns yielding a memory, PrefEval explicit 501/505 and persona 503/505
conversations with a preference-like memory, before and after. `eval locomo
--conversations conv-26` on the round's last commit (load average 7-9): hit@10 (categories
1-4) 0.840, hit@5 0.733, dense only 0.693, category 5 hit@10 0.809, evidence coverage
127/133, 482 memories, against 0.840, coverage 127/133 and 483 memories for conv-26 in the
published five-conversation run of dcb9473 ([locomo.md](locomo.md)). `eval prefeval` was
started but stopped before its persona half finished (load average 8-9, beside this
round's other runs and test suite), so PrefEval recall was not re-measured for this round.
"""


def main(data: Path | None, out_dir: Path, record: str, sample: int, show: bool) -> None:
    figures, unlabelled = measure(data, sample)
    store = out_dir / "extraction_quality.json"
    runs: dict[str, dict[str, object]] = (
        json.loads(store.read_text("utf-8")) if store.exists() else {}
    )
    runs[record] = figures
    runs = dict(sorted(runs.items(), key=lambda kv: (kv[0] != "before", kv[0] == "after")))
    out_dir.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    text = render(runs)
    (out_dir / "extraction_quality.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"ok but flagged: {figures['ok_but_flagged']}")
    print(f"unlabelled in sample: {len(unlabelled)}")
    if show:
        for p in unlabelled:
            print(f"{p.key}\t{'; '.join(auto_flags(p)) or '-'}\t{p.content}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help=f"default ${DATA_ENV_VAR}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT_DIR)
    parser.add_argument("--record", default="after", help="name of this run on the page")
    parser.add_argument("--sample", type=int, default=SAMPLE)
    parser.add_argument("--show-unlabelled", action="store_true")
    args = parser.parse_args()
    main(args.data, args.out, args.record, args.sample, args.show_unlabelled)
