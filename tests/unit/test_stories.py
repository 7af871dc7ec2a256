"""Story versions, the comparison of two versions, the quote ledger and the entity index,
on short texts written for these tests."""

from __future__ import annotations

from tui.model import Annotation, Article, Speaker
from tui.stories.compare import compare, same_speaker, sentences_only_in
from tui.stories.entity_index import entity_index
from tui.stories.extracts import Extracts, acronyms, extract
from tui.stories.ledger import clean_name, ledger
from tui.stories.text import sentences
from tui.stories.versions import StoryIndex, group

HARBOUR = ("The harbour board of Port Ellis voted on Monday to close the old ferry terminal by spring. "
           "Board chair Ines Marlow said the terminal had cost the town four million crowns in repairs. "
           "Fishermen on the north quay protested outside the meeting hall with banners and bells. "
           "The ferry company will move its boats to the new pier at Gull Point next month. "
           "Local shops fear that fewer travellers will walk through the market square. "
           "A public hearing on the pier's parking plan is set for the first week of March.")
# The same story, updated: one sentence cut, one added, one reworded, two moved.
HARBOUR_V2 = ("The harbour board of Port Ellis voted on Monday to close the old ferry terminal by spring. "
              "The ferry company will move its boats to the new pier at Gull Point next month. "
              "Board chair Ines Marlow said the terminal had cost the town four million crowns in repairs. "
              "Fishermen on the north quay protested loudly outside the hall with banners and bells. "
              "A public hearing on the pier's parking plan is set for the first week of March. "
              "The mayor's office has asked for an audit of the repair accounts.")
# Same town, another story: the hard negative.
ORCHARD = ("Apple growers near Port Ellis expect a record harvest after a mild spring. "
           "The growers' cooperative said prices at the market square could fall by a fifth. "
           "Pickers from the north valley will be hired earlier than usual this year. "
           "The town council plans a harvest fair at the old ferry terminal in October.")


def test_versions_grouped_and_another_story_kept_apart():
    found = group([("h1", HARBOUR), ("o1", ORCHARD), ("h2", HARBOUR_V2)])
    assert [s.articles for s in found] == [("h1", "h2")]
    assert found[0].id == "h1"


def test_index_compares_only_new_articles_and_survives_a_round_trip():
    texts = {"h1": HARBOUR, "o1": ORCHARD, "h2": HARBOUR_V2}
    asked: list[list[str]] = []

    def texts_of(ids):
        asked.append(list(ids))
        return [(i, texts[i]) for i in ids]

    index = StoryIndex()
    assert index.update([("h1", "x1"), ("o1", "x2")], texts_of) == 2
    again = StoryIndex.loads(index.dumps())
    assert again.update([("h1", "x1"), ("o1", "x2"), ("h2", "x3")], texts_of) == 1
    assert asked[1:] == [["h2"]]  # the two stored ones are not read again
    assert [s.articles for s in again.stories(["h1", "o1", "h2"])] == [("h1", "h2")]
    # An article whose text changed is signed again; one gone leaves its story.
    again.update([("h1", "x1"), ("o1", "x2")], texts_of)
    assert again.stories(["h1", "o1"]) == []
    assert StoryIndex.loads(b"not an index").hashes == {}


def _quote(aid: str, text: str, said: str, speaker: str = "", status: str = "pending") -> Annotation:
    start = text.index(said)
    return Annotation(f"{aid}-{start}", aid, "quote", start, start + len(said), "QUOTE", said,
                      Speaker(name=speaker) if speaker else None, status=status)


A = ('"We will rebuild the bridge before winter. Every family deserves a safe road," said Mayor Tomas Reyes. '
     'Engineer Lia Okafor said "the steel arrived late from the foundry" in a statement. '
     '"Nobody asked the residents first," said Paul Dunne. '
     'Council member Ada Ruiz called it "a fair and open tender". The works start in May.')
B = ('Mayor Reyes said: "We will rebuild the bridge before winter." '
     'Okafor said "the steel arrived very late from the old foundry" on Tuesday. '
     'Ruiz called it "a fair and open tender process with no favourites" at the meeting. '
     '"The residents were never asked," said a neighbour. Trucks will block the square for a month.')


def _compare():
    qa = [_quote("a", A, "We will rebuild the bridge before winter. Every family deserves a safe road,", "Tomas Reyes"),
          _quote("a", A, "the steel arrived late from the foundry", "Lia Okafor"),
          _quote("a", A, "Nobody asked the residents first,", "Paul Dunne"),
          _quote("a", A, "a fair and open tender", "Ada Ruiz")]
    qb = [_quote("b", B, "We will rebuild the bridge before winter.", "Reyes"),
          _quote("b", B, "the steel arrived very late from the old foundry", "Paul Dunne"),
          _quote("b", B, "a fair and open tender process with no favourites", "Ruiz"),
          _quote("b", B, "The residents were never asked,", "a neighbour")]
    return compare(Article("a", A), qa, Article("b", B), qb).to_dict()


def test_quotes_aligned_same_altered_only():
    got = [(q["status"], q["speaker"], q["change"]) for q in _compare()["quotes"]]
    assert got == [
        ("same", "same", ["in part"]),  # cited whole sentences of the first version
        ("altered", "changed", ["words changed"]),
        ("only_a", None, []),
        ("altered", "same", ["extended"]),
        ("only_b", None, []),
    ]
    first = _compare()["quotes"][0]
    assert first["a"]["text"].startswith("We will") and first["b"]["start"] == B.index("We will")


def test_trimmed_inside_a_sentence_is_altered():
    a = _quote("a", A, "the steel arrived late from the foundry")
    b_text = 'She said "steel arrived late from the foundry" today.'
    b = _quote("b", b_text, "steel arrived late from the foundry")
    q = compare(Article("a", A), [a], Article("b", b_text), [b]).quotes[0]
    assert (q.status, q.change, q.speaker) == ("altered", ("trimmed",), None)
    assert q.words[0].kind == "removed" and A[slice(*q.words[0].a)] == "the"


def test_rejected_quotes_are_left_out():
    a = _quote("a", A, "Nobody asked the residents first,", status="rejected")
    assert compare(Article("a", A), [a], Article("b", B), []).quotes == ()


def test_sentences_only_in_one():
    d = _compare()["sentences"]
    assert [s["text"] for s in d["only_b"]] == ["Trucks will block the square for a month."]
    assert "The works start in May." in [s["text"] for s in d["only_a"]]
    assert sentences_only_in("Same words here today.", "Same words here today.") == []


def test_sentence_split_keeps_abbreviations():
    got = [s.text for s in sentences('He met Mr. Hale in Washington, D.C. on Monday. "We won," he said. U.S. aid fell.')]
    assert got == ["He met Mr. Hale in Washington, D.C. on Monday.", '"We won," he said.', "U.S. aid fell."]


def test_same_speaker_by_surname_and_title():
    assert same_speaker("Sara Carter", "Director Carter")
    assert same_speaker("Carter", "Sara Carter")
    assert not same_speaker("Sara Carter", "Vinay Kwatra")


def _ent(aid, text, what, label):
    start = text.index(what)
    return Annotation(f"{aid}-e{start}", aid, "entity", start, start + len(what), label, what)


def test_entities_only_in_one():
    ea = [_ent("a", A, "Paul Dunne", "PERSON"), _ent("a", A, "Tomas Reyes", "PERSON")]
    eb = [_ent("b", B, "Reyes", "PERSON")]
    d = compare(Article("a", A), ea, Article("b", B), eb).to_dict()["entities"]
    assert [e["text"] for e in d["only_a"]] == ["Paul Dunne"]  # Reyes is there by surname
    assert d["only_b"] == []


LEDGER_1 = ("The Bureau of Coastal Safety (BCS) warned on Friday. "
            '"Storms are coming," said Nora Quill, head of the bureau. "Stay home," Quill added.')
LEDGER_2 = '"Boats must stay in port," the BCS said. "We are ready," said Director Quill.'
LEDGER_3 = '"I saw the wave," said Jon Quill. "It was huge," said Sam Pike.'


def _extracts():
    def art(aid, text, quotes, ents=()):
        anns = [_quote(aid, text, said, speaker) for said, speaker in quotes]
        anns += [_ent(aid, text, w, label) for w, label in ents]
        return extract(Article(aid, text, source="Coast Daily", published="2026-01-02"), anns, [aid])

    return Extracts({
        "1": art("1", LEDGER_1, [("Storms are coming,", "Nora Quill"), ("Stay home,", "Quill")],
                 [("Nora Quill", "PERSON"), ("Friday", "DATE"), ("BCS", "ORG")]),
        "2": art("2", LEDGER_2, [("Boats must stay in port,", "the BCS"), ("We are ready,", "Director Quill")],
                 [("BCS", "PERSON"), ("Quill", "PERSON")]),
    })


def test_acronyms_as_articles_define_them():
    assert acronyms(LEDGER_1) == [("BCS", "Bureau of Coastal Safety")]
    assert acronyms("He met Sara Hale (R) and the Port Authority (PA) today.") == [("PA", "Port Authority")]


def test_ledger_merges_surname_and_acronym():
    got = {s.speaker: (s.aliases, len(s.quotes), s.articles) for s in ledger(_extracts())}
    assert got == {"Nora Quill": (("Quill",), 3, 2), "Bureau of Coastal Safety": (("BCS",), 1, 1)}
    first = ledger(_extracts())[0].to_dict()
    assert first["speaker"] == "Nora Quill"
    assert first["quotes"][0] == {"article": "1", "start": LEDGER_1.index("Storms"), "end": LEDGER_1.index("Storms") + 18,
                                  "text": "Storms are coming,", "published": "2026-01-02", "source": "Coast Daily"}


def test_ledger_keeps_two_people_of_one_surname_apart():
    ex = _extracts()
    ex.entries["3"] = extract(Article("3", LEDGER_3), [_quote("3", LEDGER_3, "I saw the wave,", "Jon Quill"),
                                                       _quote("3", LEDGER_3, "It was huge,", "Sam Pike")], ["3"])
    names = {s.speaker: s.aliases for s in ledger(ex)}
    assert "Quill" in names  # two full names end with it: not merged into either
    assert names["Nora Quill"] == () and names["Jon Quill"] == ()


def test_clean_name():
    assert clean_name("the Director Sara Carter's") == "Sara Carter"


def test_entity_index_flags_mixed_labels_first():
    index = entity_index(_extracts())
    assert index[0].text == "BCS" and index[0].mixed and index[0].labels == {"ORG": 1, "PERSON": 1}
    assert [o[0] for o in index[0].occurrences] == ["1", "2"]
    assert not any(e.mixed for e in index[1:])


def test_extracts_read_only_what_changed():
    ex = _extracts()
    read: list[list[str]] = []

    def reader(ids):
        read.append(list(ids))
        return [(Article(i, LEDGER_3), []) for i in ids]

    rows = [{"id": "1", "hash": "h", "rev": 0, "annotations": 0}, {"id": "2", "hash": "h", "rev": 0, "annotations": 0}]
    ex.entries["1"]["rev"] = ["h", 0, 0]
    ex.update(rows, reader)
    assert read == [["2"]] and ex.changed
    again = Extracts.loads(ex.dumps())
    again.update(rows, reader)
    assert read[-1] == [] and not again.changed


def test_story_versions_give_each_article_its_others_and_hold_one_tuple_per_story():
    import tracemalloc

    from tui.stories.others import StoryVersions

    v = StoryVersions([("a", "b", "c"), ("d", "e")])
    assert v["b"] == ("a", "c") and v.get("z", ()) == () and v.count("d") == 1 and v.count("z") == 0
    assert v.members("e") == ("d", "e") and v.members("z") == ("z",) and sorted(v) == list("abcde")
    # A corpus made from one template is one story of every article: held as "article ->
    # its others" 5,000 articles are 25 million ids (200 MB); held once, a few hundred kB.
    ids = [f"a{i}" for i in range(5000)]
    tracemalloc.start()
    big = StoryVersions([ids])
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert held < 2_000_000 and big.count("a7") == 4999


def _look_alike(n: int) -> list[tuple[str, str]]:
    """``n`` versions of one wire story: the same sentences, a different name and figure in each."""
    first = ["Ines", "Tomas", "Lia", "Paul", "Ada", "Noor", "Karel", "Edda"]
    last = ["Marlow", "Reyes", "Okafor", "Dunne", "Ruiz", "Haddad", "Novak", "Lind"]
    out = []
    for i in range(n):
        name = f"{first[i % 8]} {last[(i // 8) % 8]}"
        out.append((f"v{i}", HARBOUR.replace("Ines Marlow", name).replace("four million", f"{i + 2} million")))
    return out


def test_a_story_of_many_look_alike_articles_keeps_one_link_for_each_and_all_of_them():
    """A link for each article that joins, not one for every pair: 400 versions of one
    story were 79,800 links (at 10,000, 50 million: 800 MB beside the workspace)."""
    articles = _look_alike(400)
    index = StoryIndex()
    texts = dict(articles)
    from tui.model import content_hash

    index.update([(a, content_hash(t)) for a, t in articles], lambda ids: [(i, texts[i]) for i in ids])
    found = index.stories([a for a, _ in articles])
    assert [len(s.articles) for s in found] == [400]
    assert len(index.links) == 399
    again = StoryIndex.loads(index.dumps())
    assert len(again.links) == 399 and [s.articles for s in again.stories([a for a, _ in articles])] == \
        [s.articles for s in found]


def test_an_article_that_changes_takes_its_links_and_the_rest_of_its_story_is_linked_again():
    v3 = HARBOUR_V2.replace("The mayor's office has asked for an audit of the repair accounts.",
                            "Ferry workers will be offered jobs at the new pier.")
    texts = {"h1": HARBOUR, "h2": HARBOUR_V2, "h3": v3, "o1": ORCHARD}
    index = StoryIndex()
    index.update([("h1", "x1"), ("h2", "x2"), ("h3", "x3"), ("o1", "x4")], lambda ids: [(i, texts[i]) for i in ids])
    assert [s.articles for s in index.stories(["h1", "h2", "h3", "o1"])] == [("h1", "h2", "h3")]
    texts["h1"] = ORCHARD.replace("Apple", "Pear")  # h1 rewritten as another story altogether
    index.update([("h1", "y1"), ("h2", "x2"), ("h3", "x3"), ("o1", "x4")], lambda ids: [(i, texts[i]) for i in ids])
    stories = sorted(s.articles for s in index.stories(["h1", "h2", "h3", "o1"]))
    assert stories == [("h1", "o1"), ("h2", "h3")]
