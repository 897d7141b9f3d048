"""A labelled set of sentence pairs for paraphrase merging (invented for this purpose).

Each pair is two things a user might say in two different turns. ``SAME`` pairs mean the
same thing and should end as one memory (merge); ``DIFFERENT`` pairs must stay two
memories (or the second supersedes the first), and include hard negatives: negation,
another person, another object, another value, another tense, the same words in
another order. A text starting with ``User`` is given to the graph as a memory (as the
``remember`` tool does); any other text is a user message for the extractor.

Used by tests/graph/test_paraphrase.py and benchmarks/paraphrase_merge.py.
"""

from __future__ import annotations

from typing import Any

SAME: list[tuple[str, str]] = [
    ("I'm vegetarian.", "I don't eat meat."),
    ("I don't eat meat.", "I'm vegetarian."),
    ("I follow a vegetarian diet.", "I'm vegetarian."),
    ("I am vegetarian.", "I never eat meat."),
    ("Keep answers short.", "Keep your replies brief."),
    ("Keep your answers concise.", "Keep answers short."),
    ("Please keep responses brief.", "Keep your answers short."),
    ("My favourite colour is green.", "My favorite color is green."),
    ("My favorite color is teal.", "My favourite colour is teal."),
    ("User's favourite colour is green.", "My favorite color is green."),
    ("User's favorite band is Radiohead.", "My favourite band is Radiohead."),
    ("My favourite flavour is vanilla.", "My favorite flavor is vanilla."),
    ("My favourite food is ramen.", "My favorite food is ramen."),
    ("My favourite city is Kyoto.", "My favorite city is Kyoto."),
    ("I love hiking.", "I really enjoy hiking."),
    ("I like jazz.", "I really like jazz."),
    ("I enjoy cooking.", "I love cooking."),
    ("I hate cilantro.", "I can't stand cilantro."),
    ("I can't stand crowds.", "I hate crowds."),
    ("I live in Porto.", "I'm based in Porto."),
    ("I live in Osaka.", "I live in Osaka."),
    ("I work as a nurse.", "I'm a nurse."),
    ("I'm an architect.", "I work as an architect."),
    ("I'm learning Korean.", "I'm studying Korean."),
    ("I am studying the cello.", "I'm learning the cello."),
    ("Please always answer in German.", "Always answer in German."),
    ("Always reply in Portuguese.", "Please always answer in Portuguese."),
    ("I don't drink alcohol.", "I never drink alcohol."),
    ("I'm allergic to peanuts.", "I have a peanut allergy."),
    ("I have a shellfish allergy.", "I'm allergic to shellfish."),
    ("I enjoy going to the theatre.", "I enjoy going to the theater."),
    ("I love going to the theatre.", "I really enjoy going to the theater."),
    ("My mum lives in Leeds.", "My mom lives in Leeds."),
    ("My mum is a teacher.", "My mother is a teacher."),
    ("I prefer window seats.", "I really prefer window seats."),
    ("I prefer aisle seats.", "I prefer aisle seats."),
    ("I'm a big fan of sci-fi films.", "I like sci-fi movies."),
    ("I love watching films.", "I love watching movies."),
    ("User prefers dark mode.", "I prefer dark mode."),
    ("User is vegetarian.", "I'm vegetarian."),
    ("User loves hiking.", "I love hiking."),
    ("User lives in Porto.", "I live in Porto."),
    ("User works as a pharmacist.", "I'm a pharmacist."),
    ("User is allergic to cats.", "I'm allergic to cats."),
    ("User's favourite sport is tennis.", "My favorite sport is tennis."),
    ("User hates cold weather.", "I can't stand cold weather."),
    ("User enjoys gardening.", "I enjoy gardening."),
    ("User is learning Italian.", "I'm studying Italian."),
    ("I like to travel.", "I love to travel."),
    ("I enjoy travelling.", "I enjoy traveling."),
    ("I love travelling by train.", "I love traveling by train."),
    ("I'm a big fan of football.", "I like football."),
    ("I'm really into climbing.", "I like climbing."),
    ("I'm fond of poetry.", "I like poetry."),
    ("I dislike horror movies.", "I hate horror films."),
    ("I can't stand horror films.", "I hate horror movies."),
    ("I drink my coffee black.", "I drink my coffee black."),
    ("Use metric units.", "Please use metric units."),
    ("Always use metric units.", "Please always use metric units."),
    ("I have two kids.", "I have two children."),
    ("My dad is a pilot.", "My father is a pilot."),
    ("My dad lives in Cork.", "My father lives in Cork."),
    ("I'm a doctor.", "I'm a physician."),
    ("I live in a flat.", "I live in an apartment."),
    ("I love my new flat.", "I love my new apartment."),
    ("I'm based in Lyon.", "I live in Lyon."),
    ("I really love sushi.", "I love sushi."),
    ("I absolutely hate mornings.", "I hate mornings."),
    ("I'm learning to paint.", "I'm learning to paint."),
    ("I love the colour grey.", "I love the color gray."),
    ("I prefer grey cars.", "I prefer gray cars."),
    ("My favourite season is winter.", "My favorite season is winter."),
    ("I like yoghurt.", "I like yogurt."),
    ("I love my job as a paediatrician.", "I love my job as a pediatrician."),
    ("I'm coeliac.", "I'm celiac."),
    ("I'm a vegetarian.", "I don't eat any meat."),
    ("I don't drink any alcohol.", "I don't drink alcohol."),
    ("I live in Denver.", "I reside in Denver."),
    ("I enjoy photography.", "I love photography."),
    ("I really dislike spiders.", "I hate spiders."),
]

DIFFERENT: list[tuple[str, str]] = [
    ("I like tea.", "I don't like tea."),
    ("I like tea.", "I like coffee."),
    ("I love hiking.", "I love swimming."),
    ("I love hiking.", "I hate hiking."),
    ("I hate cilantro.", "I hate mushrooms."),
    ("I'm vegetarian.", "I'm vegan."),
    ("I'm vegetarian.", "I eat meat."),
    ("I don't eat meat.", "I don't eat fish."),
    ("I don't eat meat.", "My son doesn't eat meat."),
    ("I'm vegetarian.", "My sister is vegetarian."),
    ("Keep answers short.", "Keep answers detailed."),
    ("Keep your replies brief.", "Use bullet points in your replies."),
    ("Please always answer in German.", "Please always answer in French."),
    ("Always answer in Spanish.", "Never answer in Spanish."),
    ("My favourite colour is green.", "My favourite colour is blue."),
    ("My favorite color is green.", "My favorite food is green curry."),
    ("My favourite band is Radiohead.", "My favourite film is Alien."),
    ("My sister lives in Denver.", "My brother lives in Denver."),
    ("My sister lives in Denver.", "I live in Denver."),
    ("My husband works at Meta.", "I work at Meta."),
    ("I live in Berlin.", "I work in Berlin."),
    ("I live in Berlin.", "I used to live in Berlin."),
    ("I live in Berlin.", "I live in Paris."),
    ("I work as a nurse.", "I work as a teacher."),
    ("I'm a nurse.", "My wife is a nurse."),
    ("I'm learning Korean.", "I'm learning Japanese."),
    ("I'm learning Korean.", "I speak Korean."),
    ("I prefer email over phone calls.", "I prefer phone calls over email."),
    ("I prefer tea to coffee.", "I prefer coffee to tea."),
    ("I prefer window seats.", "I prefer aisle seats."),
    ("I prefer dark mode.", "I prefer light mode."),
    ("I have two cats.", "I have three cats."),
    ("I have two cats.", "I have two dogs."),
    ("I have a dog named Max.", "I have a dog named Rex."),
    ("I'm allergic to peanuts.", "I'm allergic to cats."),
    ("I'm allergic to peanuts.", "I'm not allergic to peanuts."),
    ("I drink my coffee black.", "I drink my coffee with milk."),
    ("I don't drink alcohol.", "I don't drink coffee."),
    ("I drive a Volvo.", "I drive a Toyota."),
    ("I drive a Volvo.", "My dad drives a Volvo."),
    ("I go running on Mondays.", "I go running on Fridays."),
    ("I went to the dentist on 7 May.", "I went to the dentist on 2 June."),
    ("I wake up at 6.", "I wake up at 8."),
    ("I'm 34 years old.", "I'm 43 years old."),
    ("My daughter is called Lucy.", "My niece is called Lucy."),
    ("My daughter is called Lucy.", "My daughter is called Emma."),
    ("I love jazz.", "My partner loves jazz."),
    ("I enjoy cooking.", "I enjoy baking."),
    ("I enjoy cooking.", "I don't enjoy cooking."),
    ("I like horror films.", "I like romantic films."),
    ("I hate mornings.", "I hate evenings."),
    ("I love summer.", "I love winter."),
    ("Use metric units.", "Use imperial units."),
    ("Please use formal language.", "Please use casual language."),
    ("Don't use emojis.", "Use emojis."),
    ("Always cite sources.", "Never cite sources."),
    ("I'm afraid of heights.", "I'm afraid of spiders."),
    ("I play the guitar.", "I play the piano."),
    ("I play the guitar.", "My son plays the guitar."),
    ("I support Arsenal.", "I support Chelsea."),
    ("I'm a morning person.", "I'm a night owl."),
    ("I prefer trains.", "I prefer planes."),
    ("I live in a flat.", "I live in a house."),
    ("I'm married.", "I'm single."),
    ("I'm married.", "My brother is married."),
    ("I have a peanut allergy.", "I have a pollen allergy."),
    ("I grew up in Ohio.", "I live in Ohio."),
    ("I want to visit Japan.", "I visited Japan."),
    ("I want to learn Spanish.", "I speak Spanish."),
    ("I love my job.", "I hate my job."),
    ("I like spicy food.", "I don't like spicy food."),
    ("I like spicy food.", "I like sweet food."),
    ("I love the colour grey.", "I love the colour green."),
    ("My favourite season is winter.", "My favourite season is autumn."),
    ("My mum lives in Leeds.", "My mum lives in York."),
    ("My mum lives in Leeds.", "My dad lives in Leeds."),
    ("I'm a doctor.", "I'm a dentist."),
    ("I use Linux at work.", "I use Windows at work."),
    ("I use Vim.", "I use Emacs."),
    ("I write mostly Rust.", "I write mostly Go."),
    ("I read before bed.", "I read on the train."),
    ("User prefers email.", "I prefer phone calls."),
    ("User lives in Porto.", "I live in Lisbon."),
    ("User is vegetarian.", "I'm pescatarian."),
    ("User's favourite band is Radiohead.", "My favourite band is Blur."),
    ("User likes tea.", "I don't like tea."),
    ("I sleep eight hours.", "I sleep six hours."),
    ("I like cats.", "I like dogs."),
    ("I have a sister.", "I have a brother."),
    ("I love Paris in spring.", "I love Paris in winter."),
]


# Written after the rules of graph/paraphrase.py were frozen, and never used to change
# them: the benchmark reports these separately, as the estimate for unseen wording.
HELDOUT_SAME: list[tuple[str, str]] = [
    ("I'm a vegetarian and have been for years.", "I don't eat meat."),
    ("Please be brief.", "Keep it short."),
    ("My favourite drink is lemonade.", "My favorite drink is lemonade."),
    ("I adore cats.", "I love cats."),
    ("I detest traffic jams.", "I hate traffic jams."),
    ("I reside in Graz.", "I live in Graz."),
    ("I'm employed as a librarian.", "I work as a librarian."),
    ("I'm studying law.", "I'm learning law."),
    ("My mum is retired.", "My mom is retired."),
    ("I love the theatre.", "I love the theater."),
    ("I'm keen on sailing.", "I like sailing."),
    ("Respond in Italian, please.", "Always answer in Italian."),
    ("I'm on a gluten-free diet.", "I don't eat gluten."),
    ("I have three kids.", "I have three children."),
    ("I enjoy watching films at home.", "I like watching movies at home."),
    ("I'm a huge fan of opera.", "I like opera."),
    ("I find mornings unbearable.", "I hate mornings."),
    ("I prefer my tea without sugar.", "I prefer my tea without sugar."),
    ("My dad is a carpenter.", "My father is a carpenter."),
    ("I really love my garden.", "I love my garden."),
]
HELDOUT_DIFFERENT: list[tuple[str, str]] = [
    ("I love cats.", "I used to love cats."),
    ("I like opera.", "My wife likes opera."),
    ("I live in Graz.", "I was born in Graz."),
    ("I work as a librarian.", "I want to work as a librarian."),
    ("I hate traffic jams.", "I hate rainy days."),
    ("I have three kids.", "I have three grandchildren."),
    ("Keep it short.", "Keep it formal."),
    ("Always answer in Italian.", "Always answer in English."),
    ("I prefer my tea without sugar.", "I prefer my tea with sugar."),
    ("My dad is a carpenter.", "My uncle is a carpenter."),
    ("I'm studying law.", "I'm studying medicine."),
    ("I like sailing.", "I'm scared of sailing."),
    ("I love my garden.", "I love my kitchen."),
    ("I don't eat gluten.", "I don't eat dairy."),
    ("My favourite drink is lemonade.", "My favourite drink is cola."),
    ("I enjoy watching films at home.", "I enjoy watching films at the cinema."),
    ("I live with my parents.", "I live near my parents."),
    ("I'm a morning person.", "My husband is a morning person."),
    ("I drive to work.", "I cycle to work."),
    ("I go swimming every week.", "I go swimming every day."),
]

# A second held-out set, written after the preposition rule and the learning/studying
# phrasing were added and frozen (committed) before it was first run; run once for the
# published figure, never used to change the rules.
HELDOUT2_SAME: list[tuple[str, str]] = [
    ("I'm a teacher.", "I work as a teacher."),
    ("I reside in Lisbon.", "I live in Lisbon."),
    ("I adore swimming.", "I love swimming."),
    ("I can't stand spiders.", "I hate spiders."),
    ("My favourite season is autumn.", "My favorite season is autumn."),
    ("Keep responses short.", "Keep your answers brief."),
    ("I don't eat meat.", "I'm a vegetarian."),
    ("I'm allergic to cashews.", "I have a cashew allergy."),
    ("I enjoy gardening.", "I like gardening."),
    ("I'm studying chemistry.", "I'm learning chemistry."),
    ("My mum lives in Cork.", "My mom lives in Cork."),
    ("I have four kids.", "I have four children."),
    ("I love old films.", "I love old movies."),
    ("I'm fond of jazz.", "I like jazz."),
    ("I'm based in Oslo.", "I live in Oslo."),
    ("I really enjoy baking bread.", "I enjoy baking bread."),
    ("Please reply in French.", "Always answer in French."),
    ("I'm a big fan of chess.", "I like chess."),
    ("I'm teetotal.", "I don't drink alcohol."),
    ("My dad is a plumber.", "My father is a plumber."),
    ("I own a bicycle.", "I have a bicycle."),
    ("I love my apartment.", "I love my flat."),
    ("I'm on a vegan diet.", "I don't eat animal products."),
    ("I'm employed as a chef.", "I work as a chef."),
    ("My favourite fruit is mango.", "My favorite fruit is mango."),
    ("I'd rather have short answers.", "I prefer short answers."),
    ("I'm vegetarian.", "I avoid eating meat."),
    ("I work from home.", "I work remotely."),
    ("I have a dog.", "I've got a dog."),
    ("My wife is a dentist.", "My wife works as a dentist."),
    ("I'm afraid of heights.", "I'm scared of heights."),
    ("I moved to Leeds.", "I relocated to Leeds."),
]
HELDOUT2_DIFFERENT: list[tuple[str, str]] = [
    # negation
    ("I like olives.", "I don't like olives."),
    ("I eat fish.", "I never eat fish."),
    ("I drink coffee.", "I don't drink coffee."),
    # another person
    ("I live in Lyon.", "My sister lives in Lyon."),
    ("I'm a dentist.", "My wife is a dentist."),
    ("I love hiking.", "My son loves hiking."),
    ("I play the violin.", "My daughter plays the violin."),
    # another object
    ("I love tennis.", "I love golf."),
    ("I'm allergic to peanuts.", "I'm allergic to shellfish."),
    ("I hate spiders.", "I hate snakes."),
    ("I have a cat.", "I have a rabbit."),
    ("I'm learning Spanish.", "I'm learning Greek."),
    # another preposition
    ("I work with my brother.", "I work for my brother."),
    ("I live above a bakery.", "I live next to a bakery."),
    ("I walk to work.", "I walk from work."),
    ("I had lunch with my boss.", "I had lunch without my boss."),
    ("I sit behind my manager.", "I sit beside my manager."),
    ("I grew up near Dublin.", "I grew up in Dublin."),
    # another quantity
    ("I have two dogs.", "I have three dogs."),
    ("I run 5 km every day.", "I run 10 km every day."),
    ("I drink one coffee a day.", "I drink four coffees a day."),
    ("I go running twice a week.", "I go running once a week."),
    # another tense
    ("I live in Madrid.", "I used to live in Madrid."),
    ("I play football.", "I played football as a kid."),
    ("I'm a smoker.", "I was a smoker."),
    ("I work at a bank.", "I will work at a bank."),
    # another value, order or detail
    ("My favourite colour is red.", "My favourite colour is blue."),
    ("Always answer in German.", "Always answer in Dutch."),
    ("I prefer tea over coffee.", "I prefer coffee over tea."),
    ("Keep summaries short.", "Keep summaries detailed."),
    ("I'm moving to Berlin in May.", "I'm moving to Berlin in June."),
    ("I like cooking for my friends.", "I like cooking with my friends."),
]


def _input(text: str, ns: tuple[str, ...]) -> dict[str, Any]:
    if text.startswith("User"):  # as the remember tool gives a memory
        cand = {"content": text, "type": "fact", "source_message_ids": [f"tool:{ns[-1]}"]}
        return {"messages": [], "candidates": [cand], "namespace": ns, "via": "tool"}
    return {"messages": [{"role": "user", "content": text}], "namespace": ns}


def merged(graph: Any, first: str, second: str, ns: tuple[str, ...]) -> bool:
    """Capture ``first`` then ``second`` into ``ns``: did the second merge into the first?"""
    a = graph.invoke(_input(first, ns))["result"]
    stored = {i.memory_id for i in a.items if i.status == "stored"}
    b = graph.invoke(_input(second, ns))["result"]
    return any(i.action.value == "merge" and i.target_id in stored for i in b.items)


def evaluate(
    graph: Any, root: str = "para", sets: tuple[list, list] | None = None
) -> dict[str, Any]:
    """Merge decisions of ``graph`` (compiled with a store) over ``sets`` (same pairs,
    different pairs; default the main set)."""
    same_pairs, diff_pairs = sets or (SAME, DIFFERENT)
    same = [merged(graph, a, b, (root, "s", str(i))) for i, (a, b) in enumerate(same_pairs)]
    diff = [merged(graph, a, b, (root, "d", str(i))) for i, (a, b) in enumerate(diff_pairs)]
    tp, fp = sum(same), sum(diff)
    return {
        "pairs": len(same_pairs) + len(diff_pairs),
        "same": len(same_pairs),
        "different": len(diff_pairs),
        "true_merges": tp,
        "false_merges": fp,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / len(same_pairs),
        "missed": [p for p, m in zip(same_pairs, same, strict=True) if not m],
        "false": [p for p, m in zip(diff_pairs, diff, strict=True) if m],
    }


def statement_of(text: str) -> Any:
    """The memory a text becomes: the rule extractor's first candidate, or the text
    itself when it is given as a memory; None when the extractor finds nothing."""
    from langmem_extract.extractors.base import ExtractContext
    from langmem_extract.extractors.rules import RuleExtractor
    from langmem_extract.graph.paraphrase import Statement
    from langmem_extract.schema import ChatMessage

    if text.startswith("User"):
        return Statement(text)
    out = RuleExtractor().extract(
        [ChatMessage(id="m", role="user", content=text)], context=ExtractContext()
    )
    return Statement.of(out.candidates[0]) if out.candidates else None


def decisions(embeddings: Any, threshold: float) -> tuple[list[bool], list[bool]]:
    """The dedup decision for each pair, without a store: exact text, the same attribute
    with the same value, or a paraphrase. Fast enough for the test suite; the benchmark
    runs the real graph end to end."""
    from langmem_extract.graph.paraphrase import is_paraphrase, same_value
    from langmem_extract.schema import fingerprint

    pairs = [*SAME, *DIFFERENT]
    statements = [(statement_of(a), statement_of(b)) for a, b in pairs]
    texts = sorted({s.content for pair in statements for s in pair if s is not None})
    vectors = dict(zip(texts, embeddings.embed_documents(texts), strict=True))
    out = []
    for a, b in statements:
        if a is None or b is None:
            out.append(False)
            continue
        cosine = sum(x * y for x, y in zip(vectors[a.content], vectors[b.content], strict=True))
        out.append(
            fingerprint(a.content) == fingerprint(b.content)
            or (bool(a.attribute) and a.attribute == b.attribute and same_value(a.value, b.value))
            or is_paraphrase(a, b, cosine, threshold)
        )
    return out[: len(SAME)], out[len(SAME) :]
