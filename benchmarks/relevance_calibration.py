"""Fit the per-embedder relevance calibration used by ``langmem_extract.recall``.

Recall reports ``score`` as an absolute relevance: 0 for an unrelated memory, 1 for an
exact match, the same scale for every query and store. Cosine similarity alone is not
that: E5 places almost every (query, passage) pair between 0.7 and 1.0. The calibration
is a clamped linear map of the cosine between two anchors measured here:

* ``unrelated``: the median cosine between a request and memories that do not answer it
  (other topics, and everyday requests that need no memory);
* ``exact``: the median cosine of a memory's own text embedded as a query against the
  same text embedded as a passage.

The generic set below is written for this purpose (no benchmark data): memories about a
made-up user, one question each that the memory answers, and everyday requests. It
prints the anchors, where answering pairs land on the calibrated scale, and the floor
that separates answering pairs from the rest. Run::

    .venv/bin/python benchmarks/relevance_calibration.py
"""

from __future__ import annotations

import numpy as np

from langmem_extract.embeddings import E5Embeddings

# (memory, a question the memory answers)
PAIRS = [
    ("User plays the cello in a community orchestra.", "What instrument do I play?"),
    ("User's sister is called Ingrid.", "What's my sister's name?"),
    ("User drives a 2015 Honda Civic.", "Which car do I have?"),
    ("User is training for a half marathon in October.", "What race am I preparing for?"),
    ("User is lactose intolerant.", "Can I have a milkshake?"),
    ("User works night shifts at a hospital pharmacy.", "What are my working hours like?"),
    (
        "User's flat is on the fourth floor with no lift.",
        "Is my apartment easy to reach with heavy boxes?",
    ),
    ("User prefers answers as bullet points.", "How should you format replies for me?"),
    ("User's favourite author is Ursula K. Le Guin.", "Who is my favourite writer?"),
    ("User has a golden retriever named Biscuit.", "What's my dog called?"),
    ("User is saving for a house deposit.", "What am I saving money for?"),
    ("User moved from Lyon to Montreal in 2021.", "Where did I live before Montreal?"),
    ("User grows tomatoes and basil on the balcony.", "What do I grow at home?"),
    ("User is afraid of flying.", "Should I book a flight or the train for my trip?"),
    ("User studies part-time for a master's in statistics.", "What degree am I working on?"),
    ("User's daughter starts primary school in September.", "When does my daughter start school?"),
    ("User uses Neovim for all coding.", "Which editor do I use?"),
    ("User is allergic to penicillin.", "Am I allergic to any medication?"),
    ("User supports Celtic football club.", "Which team do I support?"),
    ("User wants reminders sent on Sunday evenings.", "When do I like to get reminders?"),
    ("User speaks Portuguese and some Swahili.", "Which languages do I speak?"),
    ("User had knee surgery in March 2024.", "When was my operation?"),
    ("User volunteers at a food bank on Saturdays.", "What do I do on Saturday mornings?"),
    ("User's budget for the new laptop is 900 euros.", "How much can I spend on a laptop?"),
]

# Everyday requests that need no memory of the user.
REQUESTS = [
    "What is 17 times 23?",
    "Translate 'good night' into Italian.",
    "Write a Python function that reverses a list.",
    "Who painted the Mona Lisa?",
    "How are you today?",
    "What's the capital of Australia?",
    "Explain what a hash map is.",
    "Convert 30 degrees Celsius to Fahrenheit.",
    "Give me a synonym for 'happy'.",
    "Tell me a joke about cats.",
    "What does HTTP stand for?",
    "How many days are in a leap year?",
]


def main() -> None:
    e5 = E5Embeddings()
    memories = [m for m, _ in PAIRS]
    questions = [q for _, q in PAIRS]
    mem = np.asarray(e5.embed_documents(memories))
    qv = np.asarray(e5.embed_queries(questions))
    req = np.asarray(e5.embed_queries(REQUESTS))
    self_q = np.asarray(e5.embed_queries(memories))

    exact = float(np.median(np.sum(self_q * mem, axis=1)))
    sims = qv @ mem.T
    answering = np.diag(sims)
    off = ~np.eye(len(PAIRS), dtype=bool)
    unrelated = np.concatenate([sims[off], (req @ mem.T).ravel()])
    lo = float(np.median(unrelated))
    print(f"exact match cosine (median)      {exact:.4f}")
    print(f"unrelated cosine (median)        {lo:.4f}  (max {unrelated.max():.4f})")

    def cal(x: np.ndarray) -> np.ndarray:
        return np.clip((x - lo) / (exact - lo), 0.0, 1.0)

    a, u = cal(answering), cal(unrelated)
    print(f"answering pairs, calibrated: median {np.median(a):.3f}, min {a.min():.3f}")
    print(f"unrelated pairs, calibrated: mean {u.mean():.3f}, 99th pct {np.percentile(u, 99):.3f}")
    # Floor: the calibrated value that best separates answering from unrelated pairs.
    best = max(
        np.arange(0.0, 0.8, 0.01),
        key=lambda f: (np.mean(a >= f) + np.mean(u < f), -f),
    )
    print(
        f"best floor {best:.2f}: answering kept {np.mean(a >= best):.3f}, "
        f"unrelated dropped {np.mean(u < best):.3f}"
    )


if __name__ == "__main__":
    main()
