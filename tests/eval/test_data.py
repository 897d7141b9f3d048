import json
from datetime import UTC, datetime

import pytest

from langmem_extract.errors import InvalidInputError
from langmem_extract.eval.data import (
    DATA_ENV_VAR,
    LOCOMO_FILE,
    PREFEVAL_EXPLICIT_DIR,
    PREFEVAL_PERSONA_DIR,
    EvalDataNotFoundError,
    load_locomo,
    load_prefeval_explicit,
    load_prefeval_persona,
    parse_locomo_datetime,
    resolve_data_dir,
    slice_conversation,
)

SAMPLE = {
    "sample_id": "conv-x",
    "conversation": {
        "speaker_a": "Ann",
        "speaker_b": "Bob",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a cat."},
            {"speaker": "Bob", "dia_id": "D1:2", "text": "Nice!", "blip_caption": "a cat"},
        ],
        "session_2_date_time": "12:05 am on 1 June, 2023",
        "session_2": [{"speaker": "Ann", "dia_id": "D2:1", "text": "I moved to Oslo."}],
    },
    "qa": [
        {"question": "What did Ann adopt?", "answer": "a cat", "evidence": ["D1:1"], "category": 4},
        {"question": "Where?", "answer": "Oslo", "evidence": ["D2:1; D1:1"], "category": 1},
        {"question": "Bad", "evidence": ["D"], "category": 5, "adversarial_answer": "x"},
    ],
    "observation": {
        "session_1_observation": {"Ann": [["Ann adopted a cat.", "D1:1"]]},
        "session_2_observation": {"Ann": [["Ann moved to Oslo.", ["D2:1", "D1:1"]]]},
    },
}


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / LOCOMO_FILE
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps([SAMPLE, {**SAMPLE, "sample_id": "conv-y"}]))
    for directory, item in (
        (PREFEVAL_EXPLICIT_DIR, {"preference": "I hate jazz.", "question": "Music?"}),
        (
            PREFEVAL_PERSONA_DIR,
            {
                "preference": "I avoid gluten.",
                "question": "Food?",
                "conversation": {
                    "1": {"user": "I avoid gluten.", "assistant": "Noted."},
                    "0": {"user": "Hi", "assistant": "Hello"},
                },
            },
        ),
    ):
        (tmp_path / directory).mkdir(parents=True)
        for topic in ("a_topic", "b_topic"):
            (tmp_path / directory / f"{topic}.json").write_text(json.dumps([item] * 3))
    return tmp_path


def test_parse_locomo_datetime():
    assert parse_locomo_datetime("1:56 pm on 8 May, 2023") == datetime(
        2023, 5, 8, 13, 56, tzinfo=UTC
    )
    assert parse_locomo_datetime("12:05 am on 1 June, 2023") == datetime(
        2023, 6, 1, 0, 5, tzinfo=UTC
    )
    assert parse_locomo_datetime("12:30 pm on 20 Jan, 2024").hour == 12
    with pytest.raises(InvalidInputError):
        parse_locomo_datetime("yesterday")


def test_load_locomo_structure(data_dir):
    [conv] = load_locomo(data_dir, conversations=["conv-y"])
    assert conv.sample_id == "conv-y"
    assert [s.index for s in conv.sessions] == [1, 2]
    assert [t.dia_id for t in conv.turns] == ["D1:1", "D1:2", "D2:1"]
    assert conv.turns[1].text == "Nice! [shares a photo: a cat]"
    assert conv.turns[2].timestamp == datetime(2023, 6, 1, 0, 5, tzinfo=UTC)
    assert [q.evidence for q in conv.qa] == [("D1:1",), ("D2:1", "D1:1"), ()]
    assert conv.observations[1].dia_ids == ("D2:1", "D1:1")


def test_load_locomo_selects_by_count_and_rejects_unknown(data_dir):
    assert [c.sample_id for c in load_locomo(data_dir, conversations=1)] == ["conv-x"]
    with pytest.raises(InvalidInputError, match="conv-zzz"):
        load_locomo(data_dir, conversations=["conv-zzz"])
    with pytest.raises(InvalidInputError):
        load_locomo(data_dir, conversations=0)


def test_missing_and_broken_data_give_clear_errors(tmp_path, data_dir):
    with pytest.raises(InvalidInputError, match="--data"):
        load_locomo(tmp_path / "nowhere")
    (data_dir / LOCOMO_FILE).write_text("[{")
    with pytest.raises(InvalidInputError, match="invalid JSON"):
        load_locomo(data_dir)
    with pytest.raises(InvalidInputError, match="--data"):
        load_prefeval_explicit(tmp_path / "nowhere")


def test_slice_keeps_only_answerable_questions(data_dir):
    conv = slice_conversation(load_locomo(data_dir)[0], 1)
    assert [t.dia_id for t in conv.turns] == ["D1:1", "D1:2"]
    assert [q.question for q in conv.qa] == ["What did Ann adopt?"]
    assert [o.fact for o in conv.observations] == ["Ann adopted a cat."]
    with pytest.raises(InvalidInputError):
        slice_conversation(conv, 0)


def test_prefeval_loaders(data_dir):
    explicit = load_prefeval_explicit(data_dir, limit=2)
    assert [i.item_id for i in explicit] == ["a_topic-0", "a_topic-1", "b_topic-0", "b_topic-1"]
    assert explicit[0].conversation == ()
    persona = load_prefeval_persona(data_dir)
    assert len(persona) == 6
    assert persona[0].conversation == (("Hi", "Hello"), ("I avoid gluten.", "Noted."))
    with pytest.raises(InvalidInputError):
        load_prefeval_persona(data_dir, limit=0)
    assert {i.topic for i in load_prefeval_explicit(data_dir, topics=1)} == {"a_topic"}
    assert {i.topic for i in load_prefeval_explicit(data_dir, topics=["b_topic"])} == {"b_topic"}
    with pytest.raises(InvalidInputError, match="c_topic"):
        load_prefeval_explicit(data_dir, topics=["c_topic"])


def test_data_dir_comes_from_the_argument_or_the_environment(monkeypatch, tmp_path, data_dir):
    monkeypatch.delenv(DATA_ENV_VAR, raising=False)
    with pytest.raises(EvalDataNotFoundError, match=f"--data PATH or set {DATA_ENV_VAR}"):
        load_locomo()
    assert issubclass(EvalDataNotFoundError, InvalidInputError)  # the CLI exits 2
    assert resolve_data_dir(data_dir) == data_dir
    monkeypatch.setenv(DATA_ENV_VAR, str(data_dir))
    assert resolve_data_dir() == data_dir
    assert [c.sample_id for c in load_locomo()] == ["conv-x", "conv-y"]
    assert resolve_data_dir(tmp_path) == tmp_path  # the argument wins over the environment
    monkeypatch.setenv(DATA_ENV_VAR, str(tmp_path / "gone"))
    with pytest.raises(EvalDataNotFoundError, match=r"evaluation data not found: .*gone"):
        load_prefeval_persona()


def test_synthetic_fixture_has_the_shape_of_the_real_data(synthetic_data_dir):
    convs = load_locomo(synthetic_data_dir)
    assert [c.sample_id for c in convs] == ["conv-a", "conv-b"]
    a = convs[0]
    assert (a.speaker_a, a.speaker_b) == ("Nora", "Tomas")
    assert [len(s.turns) for s in a.sessions] == [10, 6]
    assert a.sessions[1].timestamp == datetime(2022, 4, 19, 16, 40, tzinfo=UTC)
    assert a.turns[4].text.endswith("[shares a photo: a bowl of vegetable soup on a wooden table]")
    assert ("D1:2", "D2:3") in [q.evidence for q in a.qa]  # the packed evidence string
    assert {q.category for q in a.qa} == {1, 2, 4, 5}
    assert a.observations[-1].dia_ids == ("D2:3", "D1:2")
    explicit = load_prefeval_explicit(synthetic_data_dir)
    persona = load_prefeval_persona(synthetic_data_dir)
    assert len(explicit) == len(persona) == 6
    assert {i.topic for i in persona} == {"food_cooking", "travel_hiking"}
    for item in persona:
        assert any(item.preference in user for user, _ in item.conversation)


def test_real_data_shape(real_data_dir):
    """The third-party LoCoMo/PrefEval data as its README describes it."""
    convs = load_locomo(real_data_dir)
    assert [c.sample_id for c in convs] == ["conv-26", "conv-30", "conv-41", "conv-42", "conv-43"]
    assert sum(len(c.turns) for c in convs) == 2760
    assert sum(len(c.qa) for c in convs) == 999
    assert len(load_prefeval_explicit(real_data_dir)) == 505
    assert len(load_prefeval_persona(real_data_dir)) == 505
