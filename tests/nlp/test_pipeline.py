"""The one spaCy pipeline: normalising tokenizer, lookup lemmas, lemma text with placeholders kept."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from signals.nlp.normalizer import NormalizedText
from signals.nlp.pipeline import Preprocessor, build_nlp, normalized_of


@pytest.fixture(scope="module")
def preprocessor() -> Preprocessor:
    return Preprocessor(batch_size=64)


def test_docs_carry_the_normalised_text_and_lemma_text(preprocessor):
    texts = ["Ik heb het GEKOCHT", "stuur je s n a p", ""]
    docs = preprocessor.pipe(texts)
    assert len(docs) == len(texts)
    for text, doc in zip(texts, docs):
        assert isinstance(doc, Doc)
        assert isinstance(doc._.normalized, NormalizedText)
        assert normalized_of(doc) is doc._.normalized
        assert doc._.normalized.original == text
        assert doc.text == doc._.normalized.text
        assert isinstance(doc._.lemma_text, str)


@pytest.mark.parametrize(("text", "lemma_text"), [
    ("ik heb het gekocht", "ik heb het kopen"),
    ("Ik heb het GEKOCHT", "ik heb het kopen"),
    ("ge hebt da gekocht", "je hebben dat kopen"),        # Flemish forms first become standard Dutch
    ("ik kocht schoenen", "ik kopen schoen"),
    ("ze stuurde fotos", "ze sturen fotos"),
    ("de meisjes liepen", "de meisjes lopen"),
    ("zij zijn gegaan", "zij zijn gegaan"),               # not in the table: the form itself
])
def test_lemmas_come_from_the_lookup_table(preprocessor, text, lemma_text):
    (doc,) = preprocessor.pipe([text])
    assert doc._.lemma_text == lemma_text


@pytest.mark.parametrize(("text", "placeholders"), [
    ("stuur €50 naar @lisa_2009", ["xmoneyx", "xhandlex"]),
    ("bel 0612345678", ["xphonex"]),
    ("ik ben 14 jaar, om 18u, binnen 30 min", ["xagex", "xtimex", "xdurationx"]),
    ("kijk op www.voorbeeld.nl", ["xurlx"]),
    ("mail a.b@test.nl", ["xemailx"]),
])
def test_placeholders_are_kept_in_lemma_text(preprocessor, text, placeholders):
    (doc,) = preprocessor.pipe([text])
    lemma_tokens = doc._.lemma_text.split()
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
    assert all(d._.lemma_text for d in docs)


def test_lone_surrogates_and_controls_do_not_break_the_pipeline(preprocessor):
    docs = preprocessor.pipe(["a\ud800b", "\x00\x1b[m", "\u200b", "\x7f\x85"])
    assert [d._.normalized.text for d in docs] == ["ab", " [m", "", " "]
    assert [d._.lemma_text for d in docs] == ["ab", "[ m", "", ""]


def test_pipeline_is_built_once():
    assert build_nlp() is build_nlp()
    assert Preprocessor().nlp is Preprocessor().nlp


def test_tokenize_only_skips_normalisation(preprocessor):
    (doc,) = preprocessor.tokenize_only(["Stuur S N A P"])
    assert doc.text == "Stuur S N A P"
    assert doc._.normalized is None


def test_lookup_lemmatizer_matches_spacys_own_lookup_lemmatizer():
    """Our array-based component gives exactly the lemmas of spaCy's lemmatizer in lookup mode."""
    import spacy

    from signals.nlp.pipeline import build_nlp

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
        got = [t.lemma_ for t in ours(sentence)]
        assert got == expected, sentence
