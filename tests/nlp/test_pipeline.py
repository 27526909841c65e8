"""The one spaCy pipeline: normalising tokenizer, lookup lemmas (as hashes for the word features),
placeholders kept, one pipeline per thread."""

from __future__ import annotations

import threading

import pytest
from spacy.tokens import Doc

from signals.nlp.normalizer import NormalizedText
from signals.nlp.pipeline import Preprocessor, build_nlp, lemma_hashes, lemma_string, normalized_of


def lemma_text(doc) -> str:
    words = (lemma_string(doc, h) for h in lemma_hashes(doc).tolist())
    return " ".join(w for w in words if not w.isspace())


@pytest.fixture(scope="module")
def preprocessor() -> Preprocessor:
    return Preprocessor(batch_size=64)


def test_docs_carry_the_normalised_text_and_lemmas(preprocessor):
    texts = ["Ik heb het GEKOCHT", "stuur je s n a p", ""]
    docs = preprocessor.pipe(texts)
    assert len(docs) == len(texts)
    for text, doc in zip(texts, docs):
        assert isinstance(doc, Doc)
        assert isinstance(doc._.normalized, NormalizedText)
        assert normalized_of(doc) is doc._.normalized
        assert doc._.normalized.original == text
        assert doc.text == doc._.normalized.text
        assert len(lemma_hashes(doc)) == len(doc)


@pytest.mark.parametrize(("text", "expected"), [
    ("ik heb het gekocht", "ik heb het kopen"),
    ("Ik heb het GEKOCHT", "ik heb het kopen"),
    ("ge hebt da gekocht", "je hebben dat kopen"),        # Flemish forms first become standard Dutch
    ("ik kocht schoenen", "ik kopen schoen"),
    ("ze stuurde fotos", "ze sturen fotos"),
    ("de meisjes liepen", "de meisjes lopen"),
    ("zij zijn gegaan", "zij zijn gegaan"),               # not in the table: the form itself
])
def test_lemmas_come_from_the_lookup_table(preprocessor, text, expected):
    (doc,) = preprocessor.pipe([text])
    assert lemma_text(doc) == expected


@pytest.mark.parametrize(("text", "placeholders"), [
    ("stuur €50 naar @lisa_2009", ["xmoneyx", "xhandlex"]),
    ("bel 0612345678", ["xphonex"]),
    ("ik ben 14 jaar, om 18u, binnen 30 min", ["xagex", "xtimex", "xdurationx"]),
    ("kijk op www.voorbeeld.nl", ["xurlx"]),
    ("mail a.b@test.nl", ["xemailx"]),
])
def test_placeholders_are_kept_in_the_lemmas(preprocessor, text, placeholders):
    (doc,) = preprocessor.pipe([text])
    lemma_tokens = lemma_text(doc).split()
    for placeholder in placeholders:
        assert placeholder in lemma_tokens
        assert placeholder in [t.text for t in doc]


def test_token_offsets_map_back_to_the_original(preprocessor):
    text = "kom op s n a p of geef d0ekoe"
    (doc,) = preprocessor.pipe([text])
    originals = {t.text: text[slice(*doc._.normalized.to_original(t.idx, t.idx + len(t)))] for t in doc}
    assert originals["snapchat"] == "s n a p"
    assert originals["geld"] == "d0ekoe"


def test_batch_of_1000_in_one_call_keeps_order(preprocessor):
    texts = [f"bericht {i}: hoe oud ben je? {'😍' * (i % 3)}" for i in range(1000)]
    docs = preprocessor.pipe(texts)
    assert len(docs) == 1000
    assert [d._.normalized.original for d in docs] == texts
    assert all(lemma_text(d) for d in docs)


def test_lone_surrogates_and_controls_do_not_break_the_pipeline(preprocessor):
    docs = preprocessor.pipe(["a\ud800b", "\x00\x1b[m", "\u200b", "\x7f\x85"])
    assert [d._.normalized.text for d in docs] == ["ab", " [m", "", " "]
    assert [lemma_text(d) for d in docs] == ["ab", "[ m", "", ""]


def test_one_pipeline_per_thread_and_no_shared_lock():
    """Threads never share a spaCy pipeline (memory zones are not thread-safe) and never wait for one."""
    preprocessor = Preprocessor()
    seen: dict[str, object] = {}

    def grab(name: str) -> None:
        seen[name] = preprocessor.nlp

    threads = [threading.Thread(target=grab, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert preprocessor.nlp is preprocessor.nlp            # reused within a thread
    assert len({id(nlp) for nlp in seen.values()} | {id(preprocessor.nlp)}) == 3


def test_a_pipeline_built_for_another_thread_is_handed_to_it_not_shared():
    """A server builds its event loop's pipeline on a worker thread; the loop takes that one."""
    preprocessor = Preprocessor()
    taken: dict[str, object] = {}
    ready = threading.Event()

    def loop_thread() -> None:
        ready.wait(timeout=60)
        taken["ready"] = preprocessor.ready_here()
        taken["nlp"] = preprocessor.nlp
        taken["again"] = preprocessor.nlp

    loop = threading.Thread(target=loop_thread)
    loop.start()
    assert not preprocessor.ready_here()
    preprocessor.build_for(loop.ident)
    built = preprocessor.pipelines()
    ready.set()
    loop.join()
    assert taken["ready"] is True
    assert [taken["nlp"]] == built and taken["again"] is taken["nlp"]
    assert preprocessor.nlp is not taken["nlp"]          # this thread builds its own


def test_a_thread_that_has_a_pipeline_gives_it_away_and_builds_another_if_it_scores_again():
    preprocessor = Preprocessor()
    mine = preprocessor.nlp
    taken: dict[str, object] = {}
    ready = threading.Event()

    def loop_thread() -> None:
        ready.wait(timeout=60)
        taken["nlp"] = preprocessor.nlp

    loop = threading.Thread(target=loop_thread)
    loop.start()
    preprocessor.build_for(loop.ident)
    ready.set()
    loop.join()
    assert taken["nlp"] is mine                           # handed over, not built again
    assert preprocessor.nlp is not mine                   # never shared: this thread builds anew
    assert len(preprocessor.pipelines()) == 2


def test_threads_score_the_same_as_one_thread():
    preprocessor = Preprocessor(batch_size=16)
    texts = [f"hoe oud ben je {i}? stuur je s n a p" for i in range(200)]
    with preprocessor.batch(texts) as docs:
        expected = [(d.text, lemma_text(d)) for d in docs]
    results: dict[int, list] = {}

    def run(k: int) -> None:
        with preprocessor.batch(texts) as docs:
            results[k] = [(d.text, lemma_text(d)) for d in docs]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[k] == expected for k in range(4))


def test_warmup_words_do_not_change_the_output():
    texts = ["ik heb het gekocht, stuur je snap", "hoe oud ben je eigenlijk?"]
    plain, warmed = Preprocessor(), Preprocessor(warmup=["ik", "heb", "het", "gekocht,", "hoe", "oud"])
    with plain.batch(texts) as a, warmed.batch(texts) as b:
        assert [(d.text, lemma_text(d)) for d in a] == [(d.text, lemma_text(d)) for d in b]


def test_tokenize_only_skips_normalisation(preprocessor):
    (doc,) = preprocessor.tokenize_only(["Stuur S N A P"])
    assert doc.text == "Stuur S N A P"
    assert doc._.normalized is None


def test_lookup_lemmatizer_matches_spacys_own_lookup_lemmatizer():
    """Our array-based component gives exactly the lemmas of spaCy's lemmatizer in lookup mode."""
    import spacy


    reference = spacy.blank("nl")
    reference.add_pipe("lemmatizer", config={"mode": "lookup"})
    reference.initialize()
    ours = build_nlp()
    sentences = [
        "de meisjes liepen naar huis en ik heb nieuwe telefoons gekocht",
        "hij stuurde haar berichten en zij antwoordde niet",
        "we gingen gisteren met de fietsen naar de stad",
        "xmoneyx voor de kaartjes, die heb ik betaald",
    ]
    for sentence in sentences:
        expected = [t.lemma_ for t in reference(sentence)]
        doc = ours(sentence)
        got = [lemma_string(doc, h) for h in lemma_hashes(doc).tolist()]
        assert got == expected, sentence
